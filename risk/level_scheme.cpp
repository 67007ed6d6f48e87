#include "risk/level_scheme.hpp"

#include <fstream>
#include <sstream>
#include <vector>

#include <toml++/toml.h>

#include "mesh/input_error.hpp"

namespace floodsim::risk {

const char* criterion_name(Criterion c) {
    switch (c) {
        case Criterion::depth:
            return "depth";
        case Criterion::defra:
            return "defra";
        case Criterion::arr:
            return "arr";
    }
    return "?";
}

namespace {

/// A TOML value as text for messages, on one line.
std::string text_of(const toml::node& n) {
    std::ostringstream os;
    if (const auto* s = n.as_string()) return shown(s->get());
    if (n.is_floating_point()) return format_number(*n.value<double>());
    if (const auto* a = n.as_array()) {  // numbers as written (0.6, not 0.59999999999999998)
        std::string t = "[";
        for (std::size_t k = 0; k < a->size(); ++k) {
            t += k ? ", " : "";
            t += text_of(*a->get(k));
        }
        return shown(t + "]");
    }
    os << toml::toml_formatter{n, toml::format_flags::none};
    return shown(os.str());
}

class Reader {
public:
    explicit Reader(std::string path) : path_(std::move(path)) {}

    [[noreturn]] void fail(const std::string& key, const std::string& value, const std::string& why) const {
        throw InputError(path_, key, value, why);
    }

    void check_keys(const toml::table& t, const std::string& prefix, const std::vector<std::string>& allowed) const {
        for (const auto& [k, v] : t) {
            bool ok = false;
            for (const auto& a : allowed) ok = ok || k.str() == a;
            if (!ok) {
                std::string list;
                for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
                fail(prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str()), text_of(v),
                     "unknown key (known here: " + list + ")");
            }
        }
    }

    const toml::table* table(const toml::table& root, const std::string& key) const {
        const toml::node* n = root.get(key);
        if (!n) return nullptr;
        if (!n->is_table()) fail(key, text_of(*n), "must be a table");
        return n->as_table();
    }

    double number(const toml::node& n, const std::string& key) const {
        if (auto v = n.value<double>(); v && (n.is_floating_point() || n.is_integer())) {
            if (!std::isfinite(*v)) fail(key, text_of(n), "must be a finite number");
            return *v;
        }
        fail(key, text_of(n), "must be a number");
    }

    /// An array of numbers, each > 0 (or >= 0 if `zero_ok`), strictly increasing.
    std::vector<double> increasing(const toml::node& n, const std::string& key, std::size_t min_size,
                                   std::size_t max_size, const char* unit) const {
        const toml::array* a = n.as_array();
        if (!a || a->size() < min_size || a->size() > max_size) {
            const std::string count = min_size == max_size
                                          ? std::to_string(min_size)
                                          : std::to_string(min_size) + " or " + std::to_string(max_size);
            fail(key, text_of(n), "must be an array of " + count + " numbers (" + unit + ")");
        }
        std::vector<double> out;
        for (const toml::node& e : *a) {
            const double v = number(e, key);
            if (!(v > 0.0)) fail(key, text_of(n), "every value must be > 0 (" + format_number(v) + " is not)");
            if (!out.empty() && !(v > out.back()))
                fail(
                    key, text_of(n),
                    "values must increase strictly (" + format_number(v) + " after " + format_number(out.back()) + ")");
            out.push_back(v);
        }
        return out;
    }

    LevelScheme read(const toml::table& root) const {
        LevelScheme s;
        s.source = path_;
        check_keys(root, "", {"criterion", "depth", "defra", "arr", "areas"});
        if (const toml::node* c = root.get("criterion")) {
            const auto name = c->value<std::string>();
            if (!c->is_string()) fail("criterion", text_of(*c), "must be a string: \"depth\", \"defra\" or \"arr\"");
            if (*name == "depth")
                s.criterion = Criterion::depth;
            else if (*name == "defra")
                s.criterion = Criterion::defra;
            else if (*name == "arr")
                s.criterion = Criterion::arr;
            else
                fail("criterion", shown(*name), "unknown criterion (known: depth, defra, arr)");
        }
        if (const toml::table* t = table(root, "depth")) {
            check_keys(*t, "depth", {"bands"});
            if (const toml::node* b = t->get("bands")) {
                const auto v = increasing(*b, "depth.bands", 4, 4, "m: lower edges of levels 4, 3, 2, 1");
                std::copy(v.begin(), v.end(), s.depth_bands.begin());
            }
        }
        if (const toml::table* t = table(root, "defra")) {
            check_keys(*t, "defra", {"debris_factor", "debris_depth", "thresholds"});
            if (const toml::node* n = t->get("debris_factor")) {
                s.debris_factor = number(*n, "defra.debris_factor");
                if (s.debris_factor < 0.0) fail("defra.debris_factor", text_of(*n), "must be >= 0");
            }
            if (const toml::node* n = t->get("debris_depth")) {
                s.debris_depth = number(*n, "defra.debris_depth");
                if (s.debris_depth < 0.0) fail("defra.debris_depth", text_of(*n), "must be >= 0 (m)");
            }
            if (const toml::node* n = t->get("thresholds")) {
                const auto v =
                    increasing(*n, "defra.thresholds", 3, 4, "HR: lower edges of levels 3, 2, 1, or of 4, 3, 2, 1");
                s.hr_thresholds.fill(LevelScheme::kUnused);
                std::copy(v.begin(), v.end(), s.hr_thresholds.begin() + static_cast<std::ptrdiff_t>(4 - v.size()));
            }
        }
        if (const toml::table* t = table(root, "arr")) {
            check_keys(*t, "arr", {"levels", "min_depth"});
            if (const toml::node* n = t->get("min_depth")) {
                s.arr_min_depth = number(*n, "arr.min_depth");
                if (s.arr_min_depth < 0.0) fail("arr.min_depth", text_of(*n), "must be >= 0 (m)");
            }
            if (const toml::node* n = t->get("levels")) {
                const toml::table* m = n->as_table();
                if (!m)
                    fail("arr.levels", text_of(*n),
                         "must be a table such as { H2 = 4, H3 = 3, H4 = 2, H5 = 1, H6 = 1 }");
                check_keys(*m, "arr.levels", {"H1", "H2", "H3", "H4", "H5", "H6"});
                for (std::size_t c = 0; c < 6; ++c) {
                    const std::string cls = std::string("H") + std::to_string(c + 1);
                    const toml::node* e = m->get(cls);
                    if (!e) continue;
                    const auto v = e->value<std::int64_t>();
                    if (!e->is_integer() || *v < 0 || *v > 4)
                        fail("arr.levels." + cls, text_of(*e), "must be a level 0..4 (0 none, 1 red .. 4 blue)");
                    s.arr_levels[c] = static_cast<int>(*v);
                }
                for (std::size_t c = 1; c < 6; ++c)
                    if (severity(s.arr_levels[c]) < severity(s.arr_levels[c - 1]))
                        fail("arr.levels.H" + std::to_string(c + 1), std::to_string(s.arr_levels[c]),
                             "a higher class may not have a less severe level than H" + std::to_string(c) + " (level " +
                                 std::to_string(s.arr_levels[c - 1]) + ")");
            }
        }
        if (const toml::table* t = table(root, "areas")) {
            check_keys(*t, "areas", {"point_radius_km"});
            if (const toml::node* n = t->get("point_radius_km")) {
                s.point_radius_km = number(*n, "areas.point_radius_km");
                if (!(s.point_radius_km > 0.0)) fail("areas.point_radius_km", text_of(*n), "must be > 0 (km)");
            }
        }
        return s;
    }

private:
    std::string path_;
};

}  // namespace

LevelScheme load_level_scheme(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path, "", "", "cannot open the levels file");
    std::ostringstream buf;
    buf << in.rdbuf();
    toml::table root;
    try {
        root = toml::parse(buf.str(), path);
    } catch (const toml::parse_error& e) {
        const auto& b = e.source().begin;
        throw InputError(path, "", "",
                         shown("not valid TOML at line " + std::to_string(b.line) + ", column " +
                               std::to_string(b.column) + ": " + std::string(e.description())));
    }
    return Reader(path).read(root);
}

}  // namespace floodsim::risk
