#include "scenarios/batch_manifest.hpp"

#include <filesystem>
#include <sstream>

#include <toml++/toml.h>

#include "mesh/input_error.hpp"

namespace floodsim {

namespace fs = std::filesystem;

namespace {

std::string text_of(const toml::node& n) {
    std::ostringstream os;
    os << toml::toml_formatter{n, toml::format_flags::none};
    return shown(os.str());
}

int positive_int(const std::string& file, const std::string& key, const toml::node& n, int hi) {
    const auto* i = n.as_integer();
    if (!i || i->get() < 1 || i->get() > hi)
        throw InputError(file, key, text_of(n), "expected a whole number from 1 to " + std::to_string(hi));
    return static_cast<int>(i->get());
}

}  // namespace

BatchManifest load_batch_manifest(const std::string& path) {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) throw InputError(path, "", "", "manifest file not found");
    BatchManifest m;
    m.path = path;
    toml::table root;
    try {
        root = toml::parse_file(path);
    } catch (const toml::parse_error& e) {
        throw InputError(path, "", "",
                         "not valid TOML at line " + std::to_string(e.source().begin.line) + ": " +
                             std::string(e.description()));
    }
    const fs::path folder = fs::absolute(path, ec).parent_path();
    for (auto&& [k, v] : root) {
        const std::string key(k.str());
        if (key == "jobs") {
            m.jobs = positive_int(path, key, v, 4096);
        } else if (key == "cores") {
            m.cores = positive_int(path, key, v, 65536);
        } else if (key == "retries") {
            const auto* i = v.as_integer();
            if (!i || i->get() < 0 || i->get() > 100)
                throw InputError(path, key, text_of(v), "expected a whole number from 0 to 100");
            m.retries = static_cast<int>(i->get());
        } else if (key != "scenario") {
            throw InputError(path, key, "", "unknown key; valid keys: scenario, jobs, cores, retries");
        }
    }
    const toml::node* list = root.get("scenario");
    const toml::array* arr = list ? list->as_array() : nullptr;
    if (!arr || arr->empty())
        throw InputError(path, "scenario", "", "no [[scenario]] tables: a batch needs at least one scenario");
    for (std::size_t k = 0; k < arr->size(); ++k) {
        const std::string p = "scenario[" + std::to_string(k) + "]";
        const toml::table* t = arr->get(k)->as_table();
        if (!t) throw InputError(path, p, text_of(*arr->get(k)), "expected a [[scenario]] table");
        BatchEntry e;
        e.index = static_cast<int>(k);
        for (auto&& [kk, v] : *t) {
            const std::string key(kk.str());
            const std::string where = p + "." + key;
            if (key == "file" || key == "output") {
                const auto* s = v.as_string();
                if (!s || s->get().empty()) throw InputError(path, where, text_of(v), "expected a path");
                fs::path q(s->get());
                if (q.is_relative()) q = folder / q;
                if (key == "file") {
                    e.file = s->get();
                    e.path = q.lexically_normal().string();
                    if (!fs::is_regular_file(e.path, ec))
                        throw InputError(path, where, shown(e.file), "scenario file not found: " + shown(e.path));
                } else {
                    e.output = q.lexically_normal().string();
                }
            } else if (key == "threads") {
                e.threads = positive_int(path, where, v, 4096);
            } else {
                throw InputError(path, where, "", "unknown key; valid keys: file, output, threads");
            }
        }
        if (e.file.empty()) throw InputError(path, p + ".file", "", "missing required key (the scenario file)");
        for (const BatchEntry& other : m.scenarios)
            if (!e.output.empty() && other.output == e.output)
                throw InputError(path, p + ".output", shown(e.output), "another scenario writes the same result file");
        m.scenarios.push_back(std::move(e));
    }
    return m;
}

}  // namespace floodsim
