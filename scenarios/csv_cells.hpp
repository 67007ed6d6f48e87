#pragma once
// The cell rules shared by floodsim's CSV readers (series, tables, rain-grid indexes): comma
// separated, spaces trimmed, one pair of double quotes dropped (spreadsheet exports), numbers
// as C++ reads them (an optional leading '+'), errors naming the file, the row and the column.
#include <charconv>
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include "mesh/input_error.hpp"

namespace floodsim::csv {

inline std::string_view trim(std::string_view s) {
    auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
    while (!s.empty() && space(s.front())) s.remove_prefix(1);
    while (!s.empty() && space(s.back())) s.remove_suffix(1);
    return s;
}

/// One pair of double quotes around a cell is dropped.
inline std::string_view unquote(std::string_view c) {
    if (c.size() >= 2 && c.front() == '"' && c.back() == '"') return trim(c.substr(1, c.size() - 2));
    return c;
}

/// The cells of a line, trimmed (and unquoted when `unquoted`).
inline std::vector<std::string_view> split_cells(std::string_view line, bool unquoted = false) {
    std::vector<std::string_view> cells;
    size_t start = 0;
    while (true) {
        const size_t comma = line.find(',', start);
        std::string_view c = trim(line.substr(start, comma == std::string_view::npos ? line.npos : comma - start));
        cells.push_back(unquoted ? unquote(c) : c);
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return cells;
}

/// The names of a header row (unquoted): non-empty and unique, else InputError(path, where).
inline std::vector<std::string> parse_header(const std::string& path, const std::string& where, std::string_view text,
                                             const std::vector<std::string_view>& cells) {
    std::vector<std::string> header;
    for (std::string_view c : cells) {
        c = unquote(c);
        if (c.empty()) throw InputError(path, where, shown(text), "empty column name in header");
        for (const auto& h : header)
            if (h == c) throw InputError(path, where, shown(text), "column '" + std::string(c) + "' appears twice in header");
        header.emplace_back(c);
    }
    return header;
}

/// A finite number, or InputError(path, cell_key) naming the cell.
inline double parse_number(const std::string& path, const std::string& cell_key, std::string_view c) {
    if (c.empty()) throw InputError(path, cell_key, "", "empty cell; expected a number");
    std::string_view digits = c;
    if (digits.front() == '+') digits.remove_prefix(1);
    double v = 0.0;
    auto [end, err] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    if (err != std::errc() || end != digits.data() + digits.size() || digits.empty())
        throw InputError(path, cell_key, shown(c), "not a number");
    if (!std::isfinite(v)) throw InputError(path, cell_key, shown(c), "must be finite");
    return v;
}

}  // namespace floodsim::csv
