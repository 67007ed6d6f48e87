#include "cli/risk_command.hpp"

#include <cstdio>
#include <ctime>
#include <exception>

#include "cli/exit_status.hpp"
#include "io/result_reader.hpp"
#include "mesh/input_error.hpp"
#include "risk/asset_analysis.hpp"
#include "risk/cap_products.hpp"
#include "risk/assets.hpp"
#include "scenarios/clock_time.hpp"
#include "risk/level_scheme.hpp"
#include "risk/levels.hpp"
#include "risk/risk_products.hpp"

namespace floodsim {

namespace {

void print_summary(const risk::RiskReport& r, const std::vector<std::string>& written, bool issued_now,
                   std::size_t alerts, const std::string& cap_dir) {
    int per_level[5] = {0, 0, 0, 0, 0};
    int between = 0;
    for (const auto& row : r.rows) {
        ++per_level[row.level];
        between += row.peak_between_frames ? 1 : 0;
    }
    std::printf("floodsim risk: %zu assets, criterion %s, %zu frames, %zu level changes\n", r.rows.size(),
                risk::criterion_name(r.scheme.criterion), r.frame_times.size(), r.changes.size());
    for (int level = 1; level <= 4; ++level)
        std::printf("  level %d %-7s %d\n", level, risk::level_info(level).colour_en, per_level[level]);
    std::printf("  no level       %d\n", per_level[0]);
    if (between > 0)
        std::printf("  %d assets reached their level only between frames (empty first times: docs/warnings.md)\n",
                    between);
    for (const std::string& p : written) std::printf("  wrote %s\n", p.c_str());
    std::printf("  wrote %s: %zu CAP alerts, issued %s%s\n", cap_dir.c_str(), alerts,
                format_clock_time(static_cast<std::int64_t>(*r.issue_clock), 480).c_str(),
                issued_now ? " (now: no --issue-time and no [time] start in the result's scenario)" : "");
}

}  // namespace

int risk_command(const RiskCli& cli) {
    return with_exit_status([&] {
        risk::RiskOptions options;
        if (!cli.issue_time.empty()) {
            if (const auto t = parse_clock_time(cli.issue_time)) options.issue_time = static_cast<double>(t->utc_s);
            if (!options.issue_time)
                throw InputError("", "--issue-time", shown(cli.issue_time),
                                 "not an ISO 8601 date-time with a UTC offset (e.g. 2021-07-20T16:00:00+08:00)");
        }
        risk::CapOptions cap;
        cap.region_code = cli.region_code;
        cap.department_code = cli.department_code;
        cap.status = cli.status;
        (void)risk::CapWriter(cap);  // the options are checked before anything is read or written
        const risk::LevelScheme scheme = cli.levels.empty() ? risk::LevelScheme{} : risk::load_level_scheme(cli.levels);
        const ResultReader result(cli.result);
        bool issued_now = false;
        if (!options.issue_time && !risk::scenario_start(result.attribute("scenario"), cli.result)) {
            // No clock at all: the alerts are issued now, t = 0 being now too.
            options.issue_time = static_cast<double>(std::time(nullptr));
            issued_now = true;
        }
        auto assets = risk::read_assets(cli.assets, result.grid(), cli.result);
        risk::RiskReport report = risk::analyse_result(result, std::move(assets), cli.assets, scheme, options);
        for (risk::LevelChange& e : report.changes) e.flash_flood = cli.flash_flood;
        const std::vector<risk::CapAlert> alerts = risk::report_alerts(report, cap);
        // All input is read and checked: from here on a failure is one of writing (status 1).
        const std::vector<std::string> written = risk::write_risk_products(report, cli.out);
        const std::string cap_dir = risk::write_cap_alerts(alerts, cli.out);
        print_summary(report, written, issued_now, alerts.size(), cap_dir);
        return 0;
    });
}

}  // namespace floodsim
