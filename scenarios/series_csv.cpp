#include "scenarios/series_csv.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string_view>
#include <vector>

#include "mesh/input_error.hpp"
#include "scenarios/csv_cells.hpp"

namespace floodsim {
using csv::parse_header;
using csv::parse_number;
using csv::split_cells;
using csv::trim;

SeriesData read_series_csv(const std::string& path, const std::string& key,
                           const std::string& value_column, bool non_negative_values) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::exists(path, ec)) throw InputError(path, key, "", "CSV file not found");
    if (!fs::is_regular_file(path, ec)) throw InputError(path, key, "", "CSV path is not a file");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path, key, "", "cannot open CSV file");

    SeriesData out;
    out.path = path;
    out.key = key;

    std::vector<std::string> header;
    size_t time_col = 0, value_col = 0;
    std::string line;
    int line_no = 0;
    while (std::getline(in, line)) {
        ++line_no;
        std::string_view text = line;
        if (line_no == 1 && text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // UTF-8 BOM
        text = trim(text);
        if (text.empty() || text.front() == '#') continue;

        const auto cells = split_cells(text);
        const std::string where = key + " row " + std::to_string(line_no);
        if (header.empty()) {
            header = parse_header(path, where, text, cells);
            auto find = [&](const std::string& name) {
                for (size_t i = 0; i < header.size(); ++i)
                    if (header[i] == name) return i;
                throw InputError(path, where, shown(text),
                                 "header lacks column '" + name + "' (need time_s and " +
                                     value_column + ")");
            };
            time_col = find("time_s");
            value_col = find(value_column);
            continue;
        }

        if (cells.size() != header.size())
            throw InputError(path, where, shown(text),
                             "expected " + std::to_string(header.size()) +
                                 " cells as in the header, found " + std::to_string(cells.size()));
        auto number = [&](size_t col) {
            const std::string cell_key = where + " column " + header[col];
            return std::pair{parse_number(path, cell_key, cells[col]), cell_key};
        };
        const auto [t, t_key] = number(time_col);
        const auto [v, v_key] = number(value_col);
        if (t < 0.0) throw InputError(path, t_key, shown(cells[time_col]), "time must be >= 0");
        if (!out.time_s.empty() && t <= out.time_s.back())
            throw InputError(path, t_key, shown(cells[time_col]),
                             "times must be strictly increasing (previous row has " +
                                 format_number(out.time_s.back()) + ")");
        if (non_negative_values && v < 0.0)
            throw InputError(path, v_key, shown(cells[value_col]), "must be >= 0");
        out.time_s.push_back(t);
        out.value.push_back(v);
    }
    if (in.bad()) throw InputError(path, key, "", "error reading CSV file");
    if (header.empty()) throw InputError(path, key, "", "empty CSV file: no header row");
    if (out.time_s.empty()) throw InputError(path, key, "", "CSV file has a header but no data rows");
    return out;
}

TableData read_table_csv(const std::string& path, const std::string& key) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::exists(path, ec)) throw InputError(path, key, "", "CSV file not found");
    if (!fs::is_regular_file(path, ec)) throw InputError(path, key, "", "CSV path is not a file");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path, key, "", "cannot open CSV file");
    TableData out;
    out.path = path;
    out.key = key;
    std::string line;
    int line_no = 0;
    while (std::getline(in, line)) {
        ++line_no;
        std::string_view text = line;
        if (line_no == 1 && text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // UTF-8 BOM
        text = trim(text);
        if (text.empty() || text.front() == '#') continue;
        const auto cells = split_cells(text);
        const std::string where = key + " row " + std::to_string(line_no);
        if (out.columns.empty()) {
            out.columns = parse_header(path, where, text, cells);
            continue;
        }
        if (cells.size() != out.columns.size())
            throw InputError(path, where, shown(text),
                             "expected " + std::to_string(out.columns.size()) + " cells as in the header, found " +
                                 std::to_string(cells.size()));
        std::vector<double> row;
        for (std::size_t c = 0; c < cells.size(); ++c)
            row.push_back(parse_number(path, where + " column " + out.columns[c], cells[c]));
        out.rows.push_back(std::move(row));
        out.lines.push_back(line_no);
    }
    if (in.bad()) throw InputError(path, key, "", "error reading CSV file");
    if (out.columns.empty()) throw InputError(path, key, "", "empty CSV file: no header row");
    if (out.rows.empty()) throw InputError(path, key, "", "CSV file has a header but no data rows");
    return out;
}

}  // namespace floodsim
