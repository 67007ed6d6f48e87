#pragma once
// The alert spool: a folder on disk holding one file per alert not yet delivered, so that no
// alert is lost when the endpoint is down or the process is killed (docs/warnings.md, "Delivery").
//
// Layout of SPOOL/:
//   SSSSSSSSSS_<safe identifier>.xml   an alert waiting for delivery; SSSSSSSSSS (10 digits) is
//                                      the order it was put in (delivery follows it)
//   sent/<same name>                   a delivered alert (kept by default; see keep_sent)
//   .tmp-<pid>-<n>                     a file being written; never read; a dead writer's is removed
// A file appears under its final name only complete and synced (temporary name, fsync, rename,
// fsync of the folder), so a reader never sees half an alert, and one that put() returned for
// survives a crash of the process or the machine.
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace floodsim::risk {

class AlertSpool {
public:
    struct Entry {
        std::string identifier;      ///< the alert's CAP identifier (from the file name)
        std::filesystem::path file;  ///< its file in the spool
        std::uint64_t order = 0;     ///< the put order (the name's prefix)
    };

    /// Opens (creating if needed) the spool folder and its sent/ folder, and removes temporary
    /// files left by writers that no longer run. keep_sent: move delivered alerts into sent/
    /// (true) or delete them. Throws InputError (file = dir) when the folder cannot be created or
    /// is not a folder.
    explicit AlertSpool(std::filesystem::path dir, bool keep_sent = true);

    /// Writes an alert atomically and durably; returns its file. Thread-safe, and safe beside
    /// other processes using the same folder (names never collide: a put with an identifier
    /// already pending replaces nothing, it gets its own order number). Throws
    /// std::invalid_argument for an identifier that is empty or longer than 200 bytes, and
    /// std::runtime_error (with the OS error) when the file cannot be written.
    std::filesystem::path put(const std::string& identifier, const std::string& xml);

    /// The alerts waiting for delivery, in put order.
    std::vector<Entry> pending() const;
    /// The XML of an alert (throws std::runtime_error if it cannot be read).
    std::string read(const Entry& e) const;
    /// Marks an alert delivered: moved to sent/ (or deleted). An alert already gone (delivered by
    /// another process meanwhile) is not an error.
    void mark_sent(const Entry& e);

    /// A function called (on the putting thread, after the file is in place) by every put():
    /// how an AlertDelivery hears of new alerts. Empty: none.
    void set_on_put(std::function<void()> on_put);

    const std::filesystem::path& dir() const { return dir_; }
    std::filesystem::path sent_dir() const { return dir_ / "sent"; }

    /// The file-name form of an identifier: letters, digits, '-', '.' and '_' kept, every other
    /// byte as %XX (reversible); a leading '.' is encoded too.
    static std::string safe_name(const std::string& identifier);
    /// The inverse of safe_name; empty for a name that is not one.
    static std::string identifier_of(const std::string& safe);

private:
    std::filesystem::path put_file(const std::string& identifier, const std::string& xml);

    std::filesystem::path dir_;
    bool keep_sent_;
    mutable std::mutex mutex_;  ///< orders put() calls within this process
    std::uint64_t next_order_ = 0;
    std::atomic<std::uint64_t> temp_counter_{0};
    std::mutex hook_mutex_;
    std::function<void()> on_put_;
};

}  // namespace floodsim::risk
