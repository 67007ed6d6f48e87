#include "io/result_journal.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <bit>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <utility>

#include "mesh/input_error.hpp"

namespace floodsim {
namespace {

static_assert(std::endian::native == std::endian::little, "the journal is written in the machine's byte order");

constexpr char kMagic[16] = {'f', 'l', 'o', 'o', 'd', 's', 'i', 'm', '-', 'j', 'o', 'u', 'r', 'n', 'a', 'l'};
constexpr std::uint32_t kVersion = 1;
constexpr std::size_t kHeaderBytes = 32;   // magic, version u32, velocity u32, cells u64
constexpr std::size_t kRecordHead = 13;    // kind u8, index u32, payload bytes u64
constexpr std::size_t kRecordTail = 4;     // CRC-32
constexpr int kDeflateLevel = 1;           // as the result file's rasters: fast, most of the gain

enum Kind : std::uint8_t { kFrame = 1, kGauge = 2, kPump = 3, kMass = 4 };

std::string errno_text() { return std::strerror(errno); }

/// Appends the bytes of trivially copyable values to a payload, and reads them back.
struct Bytes {
    std::vector<unsigned char>& v;
    template <class T>
    Bytes& put(T x) {
        const auto* p = reinterpret_cast<const unsigned char*>(&x);
        v.insert(v.end(), p, p + sizeof x);
        return *this;
    }
};
struct Cursor {
    const unsigned char* p;
    std::size_t left;
    template <class T>
    bool get(T& x) {
        if (left < sizeof x) return false;
        std::memcpy(&x, p, sizeof x);
        p += sizeof x;
        left -= sizeof x;
        return true;
    }
};

void write_all(int fd, const void* data, std::size_t n, const std::string& path) {
    const auto* p = static_cast<const unsigned char*>(data);
    while (n > 0) {
        const ssize_t k = ::write(fd, p, n);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) throw std::runtime_error("cannot write the result journal " + path + ": " + errno_text());
        p += k;
        n -= static_cast<std::size_t>(k);
    }
}

bool read_all(int fd, void* data, std::size_t n, std::uint64_t offset) {
    auto* p = static_cast<unsigned char*>(data);
    while (n > 0) {
        const ssize_t k = ::pread(fd, p, n, static_cast<off_t>(offset));
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return false;
        p += k;
        n -= static_cast<std::size_t>(k);
        offset += static_cast<std::uint64_t>(k);
    }
    return true;
}

std::vector<unsigned char> header(std::size_t cells, bool velocity) {
    std::vector<unsigned char> h(kMagic, kMagic + sizeof kMagic);
    Bytes{h}.put(kVersion).put(static_cast<std::uint32_t>(velocity ? 1 : 0)).put(static_cast<std::uint64_t>(cells));
    return h;
}

/// One record's payload turned back into the result writer's call.
bool replay_record(std::uint8_t kind, std::uint32_t index, const std::vector<unsigned char>& payload,
                   std::size_t cells, bool velocity, std::vector<float>& frame, Hdf5ResultWriter& out) {
    Cursor c{payload.data(), payload.size()};
    switch (kind) {
        case kFrame: {
            double time = 0.0;
            std::uint64_t raw = 0;
            if (!c.get(time) || !c.get(raw)) return false;
            const std::size_t layers = velocity ? 3 : 1;
            if (raw != layers * cells * sizeof(float)) return false;
            frame.resize(layers * cells);
            uLongf n = static_cast<uLongf>(raw);
            if (uncompress(reinterpret_cast<Bytef*>(frame.data()), &n, c.p, static_cast<uLong>(c.left)) != Z_OK ||
                n != raw)
                return false;
            const float* d = frame.data();
            out.write_frame(time, d, velocity ? d + cells : nullptr, velocity ? d + 2 * cells : nullptr);
            out.flush();
            return true;
        }
        case kGauge: {
            GaugeSample s{};
            if (!c.get(s.time) || !c.get(s.depth) || !c.get(s.water_level) || !c.get(s.velocity_x) ||
                !c.get(s.velocity_y) || c.left != 0)
                return false;
            out.write_gauge(index, s);
            return true;
        }
        case kPump: {
            PumpSample s{};
            std::uint8_t running = 0;
            if (!c.get(s.time) || !c.get(s.discharge) || !c.get(running) || !c.get(s.volume) ||
                !c.get(s.running_time) || c.left != 0)
                return false;
            s.running = running != 0;
            out.write_pump(index, s);
            return true;
        }
        case kMass: {
            MassBalanceRow r{};
            std::uint32_t extra = 0;
            if (!c.get(r.time) || !c.get(r.volume) || !c.get(r.rain) || !c.get(r.inflow) || !c.get(r.outflow) ||
                !c.get(r.error) || !c.get(extra) || c.left != extra * sizeof(double))
                return false;
            r.extra.resize(extra);
            for (double& x : r.extra) c.get(x);
            out.write_mass_balance(r);
            return true;
        }
        default:
            return false;
    }
}

}  // namespace

ResultJournal::ResultJournal(std::string path, int fd, std::uint64_t bytes, std::size_t cells, bool velocity)
    : path_(std::move(path)), fd_(fd), bytes_(bytes), cells_(cells), velocity_(velocity) {}

ResultJournal::ResultJournal(ResultJournal&& o) noexcept
    : path_(std::move(o.path_)), fd_(std::exchange(o.fd_, -1)), bytes_(o.bytes_), cells_(o.cells_),
      velocity_(o.velocity_) {}

ResultJournal& ResultJournal::operator=(ResultJournal&& o) noexcept {
    if (this != &o) {
        if (fd_ >= 0) ::close(fd_);
        path_ = std::move(o.path_);
        fd_ = std::exchange(o.fd_, -1);
        bytes_ = o.bytes_;
        cells_ = o.cells_;
        velocity_ = o.velocity_;
    }
    return *this;
}

ResultJournal::~ResultJournal() {
    if (fd_ >= 0) ::close(fd_);
}

ResultJournal ResultJournal::create(const std::string& path, std::size_t cells, bool velocity) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw std::runtime_error("cannot create the result journal " + path + ": " + errno_text());
    ResultJournal j(path, fd, 0, cells, velocity);
    const std::vector<unsigned char> h = header(cells, velocity);
    write_all(fd, h.data(), h.size(), path);
    j.bytes_ = h.size();
    return j;
}

ResultJournal ResultJournal::resume(const std::string& path, std::uint64_t bytes, std::size_t cells, bool velocity,
                                    Hdf5ResultWriter& out) {
    const auto bad = [&](const std::string& value, const std::string& why) -> InputError {
        return InputError(path, "journal", value, why);
    };
    const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0)
        throw bad("", "cannot open the result journal the checkpoint continues (" + errno_text() +
                          "): it lives beside the result file while the run is unfinished");
    ResultJournal j(path, fd, bytes, cells, velocity);
    struct stat st {};
    if (::fstat(fd, &st) != 0 || static_cast<std::uint64_t>(st.st_size) < bytes)
        throw bad(std::to_string(st.st_size) + " bytes",
                  "shorter than the " + std::to_string(bytes) + " bytes the checkpoint recorded (not this run's journal?)");
    std::vector<unsigned char> h(kHeaderBytes);
    if (bytes < kHeaderBytes || !read_all(fd, h.data(), h.size(), 0) || h != header(cells, velocity))
        throw bad("header", "not the journal of this run (another grid or output, or not a floodsim journal)");
    std::uint64_t pos = kHeaderBytes;
    std::vector<unsigned char> payload;
    std::vector<float> frame;
    std::int64_t record = 0;
    while (pos < bytes) {
        ++record;
        const std::string where = "record " + std::to_string(record) + " at byte " + std::to_string(pos);
        unsigned char head[kRecordHead];
        std::uint8_t kind = 0;
        std::uint32_t index = 0;
        std::uint64_t n = 0;
        if (pos + kRecordHead + kRecordTail > bytes || !read_all(fd, head, kRecordHead, pos))
            throw bad(where, "damaged: cut short before the checkpoint's length");
        std::memcpy(&kind, head, 1);
        std::memcpy(&index, head + 1, 4);
        std::memcpy(&n, head + 5, 8);
        if (n > bytes - pos - kRecordHead - kRecordTail) throw bad(where, "damaged: a record longer than the journal");
        payload.resize(n);
        std::uint32_t stored = 0;
        if (!read_all(fd, payload.data(), n, pos + kRecordHead) ||
            !read_all(fd, &stored, sizeof stored, pos + kRecordHead + n))
            throw bad(where, "damaged: unreadable");
        uLong crc = crc32(0L, head, kRecordHead);
        crc = crc32(crc, payload.data(), static_cast<uInt>(n));
        if (static_cast<std::uint32_t>(crc) != stored) throw bad(where, "damaged: CRC-32 mismatch");
        if (!replay_record(kind, index, payload, cells, velocity, frame, out))
            throw bad(where, "damaged: a record of unknown kind or size");
        pos += kRecordHead + n + kRecordTail;
    }
    // What was appended after the checkpoint is written again by the resumed run.
    if (::ftruncate(fd, static_cast<off_t>(bytes)) != 0 || ::lseek(fd, static_cast<off_t>(bytes), SEEK_SET) < 0)
        throw std::runtime_error("cannot cut the result journal " + path + " at the checkpoint: " + errno_text());
    return j;
}

void ResultJournal::append(std::uint8_t kind, std::uint32_t index, const std::vector<unsigned char>& payload) {
    unsigned char head[kRecordHead];
    const std::uint64_t n = payload.size();
    std::memcpy(head, &kind, 1);
    std::memcpy(head + 1, &index, 4);
    std::memcpy(head + 5, &n, 8);
    uLong crc = crc32(0L, head, kRecordHead);
    crc = crc32(crc, payload.data(), static_cast<uInt>(n));
    const auto tail = static_cast<std::uint32_t>(crc);
    write_all(fd_, head, kRecordHead, path_);
    write_all(fd_, payload.data(), payload.size(), path_);
    write_all(fd_, &tail, kRecordTail, path_);
    bytes_ += kRecordHead + n + kRecordTail;
}

void ResultJournal::frame(double time, const float* depth, const float* vx, const float* vy) {
    const std::size_t layer = cells_ * sizeof(float);
    const std::size_t layers = velocity_ ? 3 : 1;
    raw_.resize(layers * layer);
    std::memcpy(raw_.data(), depth, layer);
    if (velocity_) {
        std::memcpy(raw_.data() + layer, vx, layer);
        std::memcpy(raw_.data() + 2 * layer, vy, layer);
    }
    uLongf packed = compressBound(static_cast<uLong>(raw_.size()));
    packed_.clear();
    Bytes{packed_}.put(time).put(static_cast<std::uint64_t>(raw_.size()));
    const std::size_t head = packed_.size();
    packed_.resize(head + packed);
    if (compress2(packed_.data() + head, &packed, raw_.data(), static_cast<uLong>(raw_.size()), kDeflateLevel) != Z_OK)
        throw std::runtime_error("cannot write the result journal " + path_ + ": deflate failed");
    packed_.resize(head + packed);
    append(kFrame, 0, packed_);
}

void ResultJournal::gauge(std::size_t gauge, const GaugeSample& s) {
    std::vector<unsigned char> p;
    Bytes{p}.put(s.time).put(s.depth).put(s.water_level).put(s.velocity_x).put(s.velocity_y);
    append(kGauge, static_cast<std::uint32_t>(gauge), p);
}

void ResultJournal::pump(std::size_t pump, const PumpSample& s) {
    std::vector<unsigned char> p;
    Bytes{p}.put(s.time).put(s.discharge).put(static_cast<std::uint8_t>(s.running ? 1 : 0)).put(s.volume).put(
        s.running_time);
    append(kPump, static_cast<std::uint32_t>(pump), p);
}

void ResultJournal::mass_balance(const MassBalanceRow& r) {
    std::vector<unsigned char> p;
    Bytes b{p};
    b.put(r.time).put(r.volume).put(r.rain).put(r.inflow).put(r.outflow).put(r.error);
    b.put(static_cast<std::uint32_t>(r.extra.size()));
    for (double x : r.extra) b.put(x);
    append(kMass, 0, p);
}

std::uint64_t ResultJournal::sync() {
    if (::fsync(fd_) != 0) throw std::runtime_error("cannot sync the result journal " + path_ + ": " + errno_text());
    return bytes_;
}

void ResultJournal::remove() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    ::unlink(path_.c_str());
}

}  // namespace floodsim
