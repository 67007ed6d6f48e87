#pragma once
// InputError: the one exception type for bad user input (exit status 2 in the CLI).
// It carries the file, the key and the offending value so that the message names all three.
#include <stdexcept>
#include <string>

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

}  // namespace floodsim
