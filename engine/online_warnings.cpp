#include "engine/online_warnings.hpp"

#include <chrono>
#include <filesystem>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "mesh/input_error.hpp"
#include "risk/alert_delivery.hpp"
#include "risk/assets.hpp"
#include "risk/level_scheme.hpp"

namespace floodsim {

namespace {

std::vector<risk::Asset> load_assets(const WarningConfig& w, const Grid2D& grid, const std::vector<bool>& inside,
                                     const std::string& dem) {
    std::vector<risk::Asset> assets = risk::read_assets(w.assets, grid, dem, w.layer, "warning.layer");
    risk::keep_valid_cells(assets, inside, w.assets);
    return assets;
}

risk::LevelScheme load_levels(const WarningConfig& w) {
    return w.levels.empty() ? risk::LevelScheme{} : risk::load_level_scheme(w.levels);
}

std::int64_t wall_clock_s() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace

OnlineWarnings::OnlineWarnings(const Scenario& sc, const Grid2D& grid, const std::vector<bool>& inside)
    : w_(*sc.warning),
      start_(sc.start),
      tracker_(load_assets(w_, grid, inside, sc.dem), load_levels(w_), grid, sc.dem) {
    cap_options_.region_code = w_.region_code;
    cap_options_.status = w_.status;
    try {
        risk::CapWriter check(cap_options_);  // the options' form, before anything runs
        if (!w_.webhook.empty()) risk::check_webhook_url(w_.webhook);
    } catch (const InputError& e) {
        throw InputError(sc.path, "warning." + e.key(), e.value(), e.why());
    }
}

OnlineWarnings::~OnlineWarnings() = default;

void OnlineWarnings::start(const std::string& result_path) {
    const WarningConfig& w = w_;
    const std::int64_t now = wall_clock_s();
    const std::int64_t issue = w.issue_time ? w.issue_time->utc_s : start_ ? start_->utc_s : now;
    cap_options_.issue_time = issue;
    cap_options_.start_time = start_ ? start_->utc_s : issue;
    writer_ = std::make_unique<risk::CapWriter>(cap_options_);
    spool_ = w.spool;
    if (!w.spool_given && !result_path.empty()) {
        const std::filesystem::path out(result_path);
        spool_ = (out.parent_path() / (out.stem().string() + ".alerts")).string();
    }
    try {
        outbox_ = std::make_unique<risk::AlertOutbox>(spool_, w.webhook);
    } catch (const InputError& e) {
        throw InputError(spool_, w.spool_given ? "warning.spool" : "", "", e.why());
    }
}

void OnlineWarnings::evaluate(double time_s, const double* depth, const double* vx, const double* vy,
                              const std::function<void(const LevelView&)>& on_level,
                              const std::function<void(const std::string&)>& on_warning) {
    for (risk::LevelChange& e : tracker_.evaluate(time_s, depth, vx, vy)) {
        ++changes_;
        LevelView v{e.asset_id, e.asset_name, e.level, e.previous_level, e.time_s, e.max_depth, {}, {}};
        if (writer_) {
            try {
                risk::CapAlert a = writer_->write(e, wall_clock_s());
                v.cap_identifier = a.identifier;
                v.cap_msg_type = a.msg_type;
                outbox_->post(std::move(a.identifier), std::move(a.xml));
                ++issued_;
            } catch (const std::exception& x) {
                if (on_warning)
                    on_warning("no CAP alert for asset '" + e.asset_id + "' at t = " + format_number(time_s, 6) +
                               " s: " + x.what());
            }
        }
        if (on_level) on_level(v);
    }
}

std::string OnlineWarnings::save() const {
    using Json = nlohmann::json;
    Json j;
    j["levels"] = tracker_.levels();
    j["changes"] = changes_;
    j["issued"] = issued_;
    if (writer_) {
        const risk::CapWriter::Memory m = writer_->memory();
        j["last_id_time"] = m.last_id_time;
        j["last_id_serial"] = m.last_id_serial;
        Json chains = Json::array();
        for (const auto& [id, c] : m.chains) {
            Json area{{"description", c.area.description}, {"polygons", c.area.polygons}};
            if (c.area.circle) area["circle"] = {c.area.circle->lat, c.area.circle->lon, c.area.circle->radius_km};
            chains.push_back({{"asset", id}, {"level", c.level}, {"references", c.references}, {"area", area}});
        }
        j["chains"] = chains;
    }
    return j.dump();
}

void OnlineWarnings::restore(const std::string& text, const std::string& checkpoint) {
    try {
        const nlohmann::json j = nlohmann::json::parse(text);
        tracker_.restore_levels(j.at("levels").get<std::vector<int>>());
        changes_ = j.at("changes").get<std::int64_t>();
        issued_ = j.at("issued").get<std::int64_t>();
        if (writer_ && j.contains("chains")) {
            risk::CapWriter::Memory m;
            m.last_id_time = j.at("last_id_time").get<risk::UnixSeconds>();
            m.last_id_serial = j.at("last_id_serial").get<int>();
            for (const nlohmann::json& c : j.at("chains")) {
                risk::CapWriter::Chain chain;
                chain.level = c.at("level").get<int>();
                chain.references = c.at("references").get<std::vector<std::string>>();
                const nlohmann::json& a = c.at("area");
                chain.area.description = a.at("description").get<std::string>();
                a.at("polygons").get_to(chain.area.polygons);
                if (a.contains("circle")) {
                    const auto v = a.at("circle").get<std::vector<double>>();
                    if (v.size() != 3) throw std::invalid_argument("a circle is lat, lon, radius");
                    chain.area.circle = risk::AlertArea::Circle{v[0], v[1], v[2]};
                }
                m.chains.emplace(c.at("asset").get<std::string>(), std::move(chain));
            }
            writer_->restore(std::move(m));
        }
    } catch (const std::exception& e) {
        throw InputError(checkpoint, "run/online_warnings", "",
                         std::string("the online warnings' state does not fit this scenario's [warning]: ") + e.what());
    }
}

void OnlineWarnings::finish() {
    if (finished_ || !outbox_) return;
    finished_ = true;
    final_ = outbox_->close(kDeliveryBudgetS);
}

RunSummary::Warnings OnlineWarnings::summary() const {
    RunSummary::Warnings s;
    s.enabled = true;
    s.assets = static_cast<std::int64_t>(tracker_.assets().size());
    s.changes = changes_;
    s.issued = issued_;
    s.spool = spool_.empty() ? w_.spool : spool_;
    s.webhook = w_.webhook;
    if (outbox_) {
        const risk::AlertOutbox::Totals t = finished_ ? final_ : outbox_->totals();
        s.delivered = static_cast<std::int64_t>(t.delivered);
        s.in_spool = static_cast<std::int64_t>(t.in_spool);
        s.last_error = t.last_error;
    }
    return s;
}

}  // namespace floodsim
