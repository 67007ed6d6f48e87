#pragma once
// Small helpers around the HDF5 C API shared by the writer and the reader (io/ internal).
#include <hdf5.h>

#include <cstdint>
#include <optional>
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
    /// Gives up the identifier without closing it (a collective file abandoned on one rank: its
    /// closes are collective, so HDF5 closes it when MPI finalizes, or the process aborts).
    void release() { id_ = H5I_INVALID_HID; }

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

/// Reads a string attribute (variable- or fixed-length); nullopt if absent or not a string.
inline std::optional<std::string> read_string_attr(hid_t loc, const char* name) {
    if (H5Aexists(loc, name) <= 0) return std::nullopt;
    h5::Handle attr = h5::attribute(H5Aopen(loc, name, H5P_DEFAULT));
    if (!attr) return std::nullopt;
    h5::Handle ftype = h5::datatype(H5Aget_type(attr.get()));
    if (H5Tget_class(ftype.get()) != H5T_STRING) return std::nullopt;
    h5::Handle space = h5::dataspace(H5Aget_space(attr.get()));
    if (H5Sget_simple_extent_npoints(space.get()) != 1) return std::nullopt;
    if (H5Tis_variable_str(ftype.get()) > 0) {
        h5::Handle mtype = h5::vlen_string_type();
        char* text = nullptr;
        if (H5Aread(attr.get(), mtype.get(), &text) < 0) return std::nullopt;
        std::string s = text ? text : "";
        H5free_memory(text);
        return s;
    }
    const std::size_t size = H5Tget_size(ftype.get());
    std::vector<char> buf(size + 1, '\0');
    h5::Handle mtype = h5::datatype(H5Tcopy(H5T_C_S1));
    H5Tset_size(mtype.get(), size + 1);
    H5Tset_strpad(mtype.get(), H5T_STR_NULLTERM);
    if (H5Aread(attr.get(), mtype.get(), buf.data()) < 0) return std::nullopt;
    std::string s(buf.data());
    while (!s.empty() && s.back() == ' ') s.pop_back();  // space-padded strings
    return s;
}

/// Reads a numeric attribute of `n` values converted to double; empty if absent.
inline std::vector<double> read_number_attr(hid_t loc, const char* name) {
    if (H5Aexists(loc, name) <= 0) return {};
    h5::Handle attr = h5::attribute(H5Aopen(loc, name, H5P_DEFAULT));
    h5::Handle ftype = h5::datatype(H5Aget_type(attr.get()));
    const H5T_class_t cls = H5Tget_class(ftype.get());
    if (cls != H5T_INTEGER && cls != H5T_FLOAT) return {};
    h5::Handle space = h5::dataspace(H5Aget_space(attr.get()));
    const hssize_t n = H5Sget_simple_extent_npoints(space.get());
    if (n <= 0) return {};
    std::vector<double> v(static_cast<std::size_t>(n));
    if (H5Aread(attr.get(), H5T_NATIVE_DOUBLE, v.data()) < 0) return {};
    return v;
}

/// Writes a scalar string attribute (variable-length UTF-8); negative on failure.
inline herr_t write_string_attr(hid_t loc, const char* name, const std::string& value) {
    Handle type = vlen_string_type();
    Handle space = dataspace(H5Screate(H5S_SCALAR));
    Handle attr = attribute(H5Acreate2(loc, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT));
    if (!attr) return -1;
    const char* text = value.c_str();
    return H5Awrite(attr.get(), type.get(), &text);
}

/// Writes (or overwrites) a scalar numeric attribute; negative on failure.
inline herr_t write_scalar_attr(hid_t loc, const char* name, hid_t file_type, hid_t mem_type, const void* value) {
    Handle attr;
    if (H5Aexists(loc, name) > 0) {
        attr = attribute(H5Aopen(loc, name, H5P_DEFAULT));
    } else {
        Handle space = dataspace(H5Screate(H5S_SCALAR));
        attr = attribute(H5Acreate2(loc, name, file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT));
    }
    if (!attr) return -1;
    return H5Awrite(attr.get(), mem_type, value);
}

}  // namespace floodsim::h5
