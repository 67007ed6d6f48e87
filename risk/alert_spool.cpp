#include "risk/alert_spool.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include "mesh/input_error.hpp"

namespace floodsim::risk {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxIdentifier = 200;  // keeps names well under NAME_MAX (255) after %XX

[[noreturn]] void os_error(const std::string& what, const fs::path& p, int err) {
    throw std::runtime_error("alert spool: cannot " + what + " " + p.string() + ": " + std::strerror(err));
}

/// fsync of a folder, so that a rename or link in it survives a crash of the machine.
void sync_dir(const fs::path& dir) {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) os_error("open folder", dir, errno);
    const int rc = ::fsync(fd), err = errno;
    ::close(fd);
    if (rc != 0 && err != EINVAL) os_error("sync folder", dir, err);  // EINVAL: fs without dir sync
}

/// "SSSSSSSSSS_<safe>.xml" -> order and safe part; false for any other name.
bool parse_name(const std::string& name, std::uint64_t& order, std::string& safe) {
    if (name.size() < 16 || name.compare(name.size() - 4, 4, ".xml") != 0) return false;
    const std::size_t us = name.find('_');
    if (us == std::string::npos || us < 10) return false;
    order = 0;
    for (std::size_t k = 0; k < us; ++k) {
        if (name[k] < '0' || name[k] > '9') return false;
        order = order * 10 + static_cast<std::uint64_t>(name[k] - '0');
    }
    safe = name.substr(us + 1, name.size() - 4 - us - 1);
    return !safe.empty();
}

std::string order_prefix(std::uint64_t order) {
    char b[32];
    std::snprintf(b, sizeof b, "%010llu", static_cast<unsigned long long>(order));
    return b;
}

}  // namespace

std::string AlertSpool::safe_name(const std::string& identifier) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (std::size_t k = 0; k < identifier.size(); ++k) {
        const auto c = static_cast<unsigned char>(identifier[k]);
        const bool plain = std::isalnum(c) || c == '-' || c == '_' || (c == '.' && k > 0);
        if (plain && c < 0x80) {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

std::string AlertSpool::identifier_of(const std::string& safe) {
    std::string out;
    for (std::size_t k = 0; k < safe.size(); ++k) {
        if (safe[k] != '%') {
            out += safe[k];
            continue;
        }
        if (k + 2 >= safe.size() || !std::isxdigit(static_cast<unsigned char>(safe[k + 1])) ||
            !std::isxdigit(static_cast<unsigned char>(safe[k + 2])))
            return {};
        out += static_cast<char>(std::stoi(safe.substr(k + 1, 2), nullptr, 16));
        k += 2;
    }
    return out;
}

AlertSpool::AlertSpool(fs::path dir, bool keep_sent) : dir_(std::move(dir)), keep_sent_(keep_sent) {
    std::error_code ec;
    fs::create_directories(dir_ / "sent", ec);
    if (ec || !fs::is_directory(dir_) || !fs::is_directory(dir_ / "sent"))
        throw InputError(dir_.string(), "", "",
                         "is not a folder the alert spool can use" + (ec ? ": " + ec.message() : std::string()));
    std::uint64_t max_order = 0;
    bool any = false;
    for (const fs::path& d : {dir_, dir_ / "sent"}) {
        for (const auto& f : fs::directory_iterator(d, ec)) {
            const std::string name = f.path().filename().string();
            std::uint64_t order = 0;
            std::string safe;
            if (parse_name(name, order, safe)) {
                max_order = std::max(max_order, order);
                any = true;
            } else if (d == dir_ && name.rfind(".tmp-", 0) == 0) {
                // a temporary file of a writer that died before its rename: never an alert
                const long pid = std::strtol(name.c_str() + 5, nullptr, 10);
                if (pid > 0 && pid != ::getpid() && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH)
                    fs::remove(f.path(), ec);
            }
        }
    }
    next_order_ = any ? max_order + 1 : 0;
}

fs::path AlertSpool::put(const std::string& identifier, const std::string& xml) {
    if (identifier.empty() || identifier.size() > kMaxIdentifier)
        throw std::invalid_argument("alert spool: identifier of " + std::to_string(identifier.size()) +
                                    " bytes (1..200)");
    const fs::path file = put_file(identifier, xml);
    std::lock_guard hook(hook_mutex_);
    if (on_put_) on_put_();
    return file;
}

void AlertSpool::set_on_put(std::function<void()> on_put) {
    std::lock_guard hook(hook_mutex_);
    on_put_ = std::move(on_put);
}

fs::path AlertSpool::put_file(const std::string& identifier, const std::string& xml) {
    const std::string safe = safe_name(identifier);
    std::lock_guard lock(mutex_);
    const fs::path tmp =
        dir_ / (".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(temp_counter_.fetch_add(1)));
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) os_error("create", tmp, errno);
    std::size_t done = 0;
    while (done < xml.size()) {
        const ssize_t n = ::write(fd, xml.data() + done, xml.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            const int err = n < 0 ? errno : EIO;
            ::close(fd);
            ::unlink(tmp.c_str());
            os_error("write", tmp, err);
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) {
        const int err = errno;
        ::close(fd);
        ::unlink(tmp.c_str());
        os_error("sync", tmp, err);
    }
    ::close(fd);
    // link() rather than rename(): it never replaces a file another process put meanwhile
    fs::path final_path;
    for (;;) {
        final_path = dir_ / (order_prefix(next_order_++) + "_" + safe + ".xml");
        if (::link(tmp.c_str(), final_path.c_str()) == 0) break;
        if (errno != EEXIST) {
            const int err = errno;
            ::unlink(tmp.c_str());
            os_error("link", final_path, err);
        }
    }
    ::unlink(tmp.c_str());
    sync_dir(dir_);
    return final_path;
}

std::vector<AlertSpool::Entry> AlertSpool::pending() const {
    std::vector<Entry> out;
    std::error_code ec;
    for (const auto& f : fs::directory_iterator(dir_, ec)) {
        Entry e;
        std::string safe;
        if (!parse_name(f.path().filename().string(), e.order, safe)) continue;
        std::error_code gone;  // a file moved away meanwhile (another process delivered it)
        if (!f.is_regular_file(gone)) continue;
        e.identifier = identifier_of(safe);
        if (e.identifier.empty()) continue;
        e.file = f.path();
        out.push_back(std::move(e));
    }
    if (ec) throw std::runtime_error("alert spool: cannot list " + dir_.string() + ": " + ec.message());
    std::sort(out.begin(), out.end(),
              [](const Entry& a, const Entry& b) { return a.order != b.order ? a.order < b.order : a.file < b.file; });
    return out;
}

std::string AlertSpool::read(const Entry& e) const {
    std::ifstream f(e.file, std::ios::binary);
    if (!f) throw std::runtime_error("alert spool: cannot read " + e.file.string());
    std::ostringstream s;
    s << f.rdbuf();
    return s.str();
}

void AlertSpool::mark_sent(const Entry& e) {
    if (keep_sent_) {
        const fs::path to = sent_dir() / e.file.filename();
        if (::rename(e.file.c_str(), to.c_str()) != 0 && errno != ENOENT) os_error("move", e.file, errno);
    } else if (::unlink(e.file.c_str()) != 0 && errno != ENOENT) {
        os_error("remove", e.file, errno);
    }
    // no fsync here: a mark lost in a crash only means the alert is sent once more (at least once)
}

}  // namespace floodsim::risk
