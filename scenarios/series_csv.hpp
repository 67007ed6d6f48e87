#pragma once
// Time series CSV files referenced by scenarios (boundary and rain series).
#include <string>
#include <vector>

#include "scenarios/scenario.hpp"

namespace floodsim {

/// Read the series at `path`: a header row naming comma-separated columns (spaces trimmed,
/// optional double quotes, any order, extra columns allowed), then one row of numbers per line.
/// Blank lines and lines starting with '#' are skipped. Columns `time_s` and `value_column`
/// must be present; every row must have as many cells as the header; at least one data row;
/// times >= 0 and strictly increasing; when `non_negative_values`, values must be >= 0.
/// Errors throw InputError(path, "<key> row N column C", cell text, reason), where N is the
/// 1-based line number in the file and C the column name. The result carries `path` and `key`.
SeriesData read_series_csv(const std::string& path, const std::string& key,
                           const std::string& value_column, bool non_negative_values = false);

/// A table of numbers read from CSV: a header row of unique names, then rows of as many finite
/// numbers (`#` comment lines and blank lines skipped). Errors throw InputError(path,
/// "<key> row N column C", cell text, reason) as read_series_csv does.
struct TableData {
    std::vector<std::string> columns;
    std::vector<std::vector<double>> rows;
    std::vector<int> lines;  ///< 1-based line number of each row in the file
    std::string path, key;
};
TableData read_table_csv(const std::string& path, const std::string& key);

}  // namespace floodsim
