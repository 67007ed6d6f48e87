#pragma once
// What the GDAL readers of mesh/ share (raster_io.cpp, vector_io.cpp): one-time registration
// and a scoped error handler that keeps GDAL quiet and remembers its last failure.
#include <string>

#include <cpl_error.h>
#include <gdal_priv.h>

namespace floodsim::gdal {

/// Registers GDAL's drivers, once per process (registration is not re-entrant).
inline void init() {
    static const bool registered = [] {
        GDALAllRegister();
        return true;
    }();
    (void)registered;
}

/// Silences GDAL for the lifetime of the object (thread-local handler stack) and keeps the last
/// failure message so that it can go into an InputError.
class Errors {
public:
    Errors() {
        CPLErrorReset();
        CPLPushErrorHandlerEx(&Errors::handler, this);
    }
    ~Errors() { CPLPopErrorHandler(); }
    Errors(const Errors&) = delete;
    Errors& operator=(const Errors&) = delete;

    std::string message() const { return last_.empty() ? "no details from GDAL" : last_; }

private:
    static void CPL_STDCALL handler(CPLErr cls, CPLErrorNum, const char* msg) {
        auto* self = static_cast<Errors*>(CPLGetErrorHandlerUserData());
        if (self && cls >= CE_Failure && msg) self->last_ = msg;
    }
    std::string last_;
};

}  // namespace floodsim::gdal
