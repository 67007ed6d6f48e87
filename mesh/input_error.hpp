#pragma once
// InputError: the one exception type for bad user input (exit status 2 in the CLI).
// It carries the file, the key and the offending value so that the message names all three.
#include <cstdio>
#include <stdexcept>
#include <string>
#include <string_view>

namespace floodsim {

class InputError : public std::runtime_error {
public:
    /// file: the file at fault (scenario, raster, CSV); key: the scenario key or column;
    /// value: the offending value as text; what: why it is wrong.
    InputError(std::string file, std::string key, std::string value, const std::string& why)
        : std::runtime_error(compose(file, key, value, why)),
          file_(std::move(file)), key_(std::move(key)), value_(std::move(value)), why_(why) {}

    const std::string& file() const { return file_; }
    const std::string& key() const { return key_; }
    const std::string& value() const { return value_; }
    /// Why it is wrong (the message without the file, key and value).
    const std::string& why() const { return why_; }

private:
    static std::string compose(const std::string& file, const std::string& key,
                               const std::string& value, const std::string& why) {
        std::string m = file.empty() ? std::string("<input>") : file;
        if (!key.empty()) m += ": key '" + key + "'";
        if (!value.empty()) m += ": value '" + value + "'";
        m += ": " + why;
        return m;
    }
    std::string file_, key_, value_, why_;
};

/// A number for messages, in `digits` significant digits (printf's %g: 1e+20, 0.25, 3).
inline std::string format_number(double v, int digits = 15) {
    char b[64];
    std::snprintf(b, sizeof b, "%.*g", digits, v);
    return b;
}

/// Text from an input file for messages, kept on one line: control characters become '?', and
/// text longer than 120 characters is cut.
inline std::string shown(std::string_view s) {
    std::string out;
    for (char c : s) out += (static_cast<unsigned char>(c) < 0x20) ? '?' : c;
    if (out.size() > 120) out = out.substr(0, 117) + "...";
    return out;
}

}  // namespace floodsim
