#include "io/file_seal.hpp"

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "mesh/input_error.hpp"

namespace floodsim {
namespace {

constexpr const char* kMagic = "floodsim-seal 1\n";

/// An open file descriptor, closed on scope exit.
struct Fd {
    int fd = -1;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

/// CRC-32 of the bytes of `fd` from kSealBytes to the end; false on a read error.
bool crc_after_block(int fd, std::uint64_t bytes, std::uint32_t& crc) {
    std::vector<unsigned char> buf(1 << 20);
    uLong c = crc32(0L, Z_NULL, 0);
    std::uint64_t at = kSealBytes, left = bytes;
    while (left > 0) {
        const std::size_t want = left < buf.size() ? static_cast<std::size_t>(left) : buf.size();
        const ssize_t got = ::pread(fd, buf.data(), want, static_cast<off_t>(at));
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) return false;
        c = crc32(c, buf.data(), static_cast<uInt>(got));
        at += static_cast<std::uint64_t>(got);
        left -= static_cast<std::uint64_t>(got);
    }
    crc = static_cast<std::uint32_t>(c);
    return true;
}

std::string errno_text() { return std::strerror(errno); }

}  // namespace

void seal_file(const std::string& path, const std::string& kind) {
    const auto fail = [&](const std::string& what) {
        throw std::runtime_error("cannot seal " + path + ": " + what);
    };
    Fd f{::open(path.c_str(), O_RDWR | O_CLOEXEC)};
    if (f.fd < 0) fail("opening: " + errno_text());
    struct stat st {};
    if (::fstat(f.fd, &st) != 0) fail("stat: " + errno_text());
    const auto size = static_cast<std::uint64_t>(st.st_size);
    if (size < kSealBytes) fail("the file has no user block for the seal");
    char block[kSealBytes] = {};
    if (::pread(f.fd, block, kSealBytes, 0) != static_cast<ssize_t>(kSealBytes)) fail("reading the user block");
    for (char c : block)
        if (c != 0) fail("the user block is not empty");
    std::uint32_t crc = 0;
    if (!crc_after_block(f.fd, size - kSealBytes, crc)) fail("reading: " + errno_text());
    const int n = std::snprintf(block, sizeof block, "%skind %s\nbytes %" PRIu64 "\ncrc32 %08" PRIx32 "\n", kMagic,
                                kind.c_str(), size - kSealBytes, crc);
    if (n < 0 || n >= static_cast<int>(sizeof block)) fail("the seal does not fit its block");
    if (::pwrite(f.fd, block, kSealBytes, 0) != static_cast<ssize_t>(kSealBytes)) fail("writing: " + errno_text());
    if (::fsync(f.fd) != 0) fail("fsync: " + errno_text());
}

bool check_seal(const std::string& path, const std::string& kind) {
    Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
    if (f.fd < 0) throw InputError(path, "", "", "cannot open: " + errno_text());
    char block[kSealBytes + 1] = {};
    const ssize_t got = ::pread(f.fd, block, kSealBytes, 0);
    if (got < static_cast<ssize_t>(std::strlen(kMagic)) || std::strncmp(block, kMagic, std::strlen(kMagic)) != 0)
        return false;
    const auto damaged = [&](const std::string& value, const std::string& why) {
        throw InputError(path, "seal", value, "damaged file: " + why);
    };
    if (got != static_cast<ssize_t>(kSealBytes)) damaged("", "its seal block is cut short");
    char found_kind[65] = {};
    std::uint64_t bytes = 0;
    std::uint32_t crc = 0;
    if (std::sscanf(block + std::strlen(kMagic), "kind %64s bytes %" SCNu64 " crc32 %" SCNx32, found_kind, &bytes,
                    &crc) != 3)
        damaged("", "its seal block is unreadable");
    if (kind != found_kind)
        throw InputError(path, "seal", found_kind, "this is a " + std::string(found_kind) + " file, not a " + kind);
    struct stat st {};
    if (::fstat(f.fd, &st) != 0) throw InputError(path, "", "", "cannot stat: " + errno_text());
    const auto size = static_cast<std::uint64_t>(st.st_size);
    if (size != bytes + kSealBytes)
        damaged(std::to_string(size) + " bytes",
                "the file should hold " + std::to_string(bytes + kSealBytes) + " bytes (cut short or appended to)");
    std::uint32_t actual = 0;
    if (!crc_after_block(f.fd, bytes, actual)) throw InputError(path, "", "", "cannot read: " + errno_text());
    if (actual != crc) {
        char v[40];
        std::snprintf(v, sizeof v, "crc32 %08" PRIx32 " != %08" PRIx32, actual, crc);
        damaged(v, "its content changed after it was written");
    }
    return true;
}

}  // namespace floodsim
