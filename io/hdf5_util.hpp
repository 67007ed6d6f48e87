#pragma once
// Small helpers around the HDF5 C API shared by the writer and the reader (io/ internal).
#include <hdf5.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace floodsim::h5 {

/// Owns one HDF5 identifier and closes it with the matching H5?close function.
class Handle {
public:
    using Closer = herr_t (*)(hid_t);
    Handle() = default;
    Handle(hid_t id, Closer close) : id_(id), close_(close) {}
    Handle(Handle&& o) noexcept : id_(std::exchange(o.id_, H5I_INVALID_HID)), close_(o.close_) {}
    Handle& operator=(Handle&& o) noexcept {
        if (this != &o) {
            reset();
            id_ = std::exchange(o.id_, H5I_INVALID_HID);
            close_ = o.close_;
        }
        return *this;
    }
    Handle(const Handle&) = delete;
    Handle& operator=(const Handle&) = delete;
    ~Handle() { reset(); }

    hid_t get() const { return id_; }
    explicit operator bool() const { return id_ >= 0; }
    /// Closes now; returns the close status (negative on failure, e.g. a failed final write).
    herr_t close() {
        herr_t rc = 0;
        if (id_ >= 0 && close_) rc = close_(id_);
        id_ = H5I_INVALID_HID;
        return rc;
    }
    void reset() { (void)close(); }

private:
    hid_t id_ = H5I_INVALID_HID;
    Closer close_ = nullptr;
};

inline Handle file(hid_t id) { return {id, H5Fclose}; }
inline Handle group(hid_t id) { return {id, H5Gclose}; }
inline Handle dataset(hid_t id) { return {id, H5Dclose}; }
inline Handle dataspace(hid_t id) { return {id, H5Sclose}; }
inline Handle datatype(hid_t id) { return {id, H5Tclose}; }
inline Handle attribute(hid_t id) { return {id, H5Aclose}; }
inline Handle plist(hid_t id) { return {id, H5Pclose}; }

/// Turns off HDF5's automatic printing of error stacks for its lifetime: we report errors
/// ourselves, as one line, instead of a page of library internals on stderr.
class QuietErrors {
public:
    QuietErrors() {
        H5Eget_auto2(H5E_DEFAULT, &func_, &data_);
        H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    }
    ~QuietErrors() { H5Eset_auto2(H5E_DEFAULT, func_, data_); }
    QuietErrors(const QuietErrors&) = delete;
    QuietErrors& operator=(const QuietErrors&) = delete;

private:
    H5E_auto2_t func_ = nullptr;
    void* data_ = nullptr;
};

/// One-line reason taken from the current error stack (then cleared). Prefers the system
/// error text the file driver records ("Permission denied"), else the outermost and innermost
/// descriptions.
inline std::string error_text() {
    std::vector<std::string> descs;
    H5Ewalk2(
        H5E_DEFAULT, H5E_WALK_DOWNWARD,
        [](unsigned, const H5E_error2_t* e, void* data) -> herr_t {
            if (e && e->desc) static_cast<std::vector<std::string>*>(data)->emplace_back(e->desc);
            return 0;
        },
        &descs);
    H5Eclear2(H5E_DEFAULT);
    for (const auto& d : descs) {
        const std::string key = "error message = '";
        auto p = d.find(key);
        if (p != std::string::npos) {
            auto q = d.find('\'', p + key.size());
            if (q != std::string::npos) return d.substr(p + key.size(), q - p - key.size());
        }
    }
    if (descs.empty()) return "unknown HDF5 error";
    if (descs.size() == 1 || descs.front() == descs.back()) return descs.front();
    return descs.front() + " (" + descs.back() + ")";
}

/// A variable-length UTF-8 string type: h5py reads such attributes as str, and long texts
/// (the scenario) live in the global heap instead of the 64 KiB object header.
inline Handle vlen_string_type() {
    Handle t = datatype(H5Tcopy(H5T_C_S1));
    H5Tset_size(t.get(), H5T_VARIABLE);
    H5Tset_cset(t.get(), H5T_CSET_UTF8);
    return t;
}

/// File access properties without file locking: the writer must not lock readers out of the
/// partial file (HDF5 1.10 takes an exclusive lock for writing by default).
inline Handle unlocked_fapl() {
    Handle fapl = plist(H5Pcreate(H5P_FILE_ACCESS));
#if H5_VERSION_GE(1, 10, 7)
    H5Pset_file_locking(fapl.get(), false, true);
#endif
    return fapl;
}

}  // namespace floodsim::h5
