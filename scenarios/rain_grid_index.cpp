#include "scenarios/rain_grid_index.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string_view>

#include "mesh/input_error.hpp"
#include "scenarios/csv_cells.hpp"

namespace floodsim {
using csv::trim;

std::vector<RainGridRow> read_rain_grid_index(const std::string& path, const std::string& key) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::exists(path, ec)) throw InputError(path, key, "", "rain-grid index not found");
    if (!fs::is_regular_file(path, ec)) throw InputError(path, key, "", "rain-grid index is not a file");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path, key, "", "cannot open the rain-grid index");
    const fs::path folder = fs::path(path).parent_path();

    std::vector<RainGridRow> rows;
    std::vector<std::string> header;
    size_t time_col = 0, file_col = 0;
    std::string line;
    int line_no = 0;
    while (std::getline(in, line)) {
        ++line_no;
        std::string_view text = line;
        if (line_no == 1 && text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // UTF-8 BOM
        text = trim(text);
        if (text.empty() || text.front() == '#') continue;
        const auto cells = csv::split_cells(text, true);
        const std::string where = key + " row " + std::to_string(line_no);
        if (header.empty()) {
            header = csv::parse_header(path, where, text, cells);
            auto find = [&](const std::string& name) {
                for (size_t i = 0; i < header.size(); ++i)
                    if (header[i] == name) return i;
                throw InputError(path, where, shown(text), "header lacks column '" + name + "' (need time_s and file)");
            };
            time_col = find("time_s");
            file_col = find("file");
            continue;
        }
        if (cells.size() != header.size())
            throw InputError(path, where, shown(text),
                             "expected " + std::to_string(header.size()) + " cells as in the header, found " +
                                 std::to_string(cells.size()));
        const std::string t_key = where + " column time_s", f_key = where + " column file";
        std::string_view tc = cells[time_col];
        const double t = csv::parse_number(path, t_key, tc);
        if (t < 0.0) throw InputError(path, t_key, shown(tc), "time must be >= 0");
        if (!rows.empty() && t <= rows.back().time_s)
            throw InputError(
                path, t_key, shown(tc),
                "times must be strictly increasing (previous row has " + format_number(rows.back().time_s) + ")");
        const std::string_view fc = cells[file_col];
        if (fc.empty()) throw InputError(path, f_key, "", "empty cell; expected a raster path");
        if (fc.find('\0') != std::string_view::npos) throw InputError(path, f_key, shown(fc), "not a path");
        fs::path p{std::string(fc)};
        if (p.is_relative()) p = folder / p;
        const std::string abs = p.lexically_normal().string();
        if (!fs::exists(abs, ec)) throw InputError(path, f_key, shown(fc), "raster not found: " + shown(abs));
        rows.push_back({t, abs, line_no});
    }
    if (in.bad()) throw InputError(path, key, "", "error reading the rain-grid index");
    if (header.empty()) throw InputError(path, key, "", "empty rain-grid index: no header row (time_s,file)");
    if (rows.empty()) throw InputError(path, key, "", "rain-grid index has a header but no rows");
    return rows;
}

}  // namespace floodsim
