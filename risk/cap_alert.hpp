#pragma once
// CAP 1.2 alerts (OASIS Standard, 1 July 2010; namespace urn:oasis:names:tc:emergency:cap:1.2)
// written from LevelChange events, with identifiers after GB/T 35965.1 (docs/warnings.md, "CAP
// alerts"). A CapWriter takes one asset's events in time order (events of different assets may
// interleave) and remembers, per asset, the alerts already written, so that a change of level
// becomes an Update and a fall to none a Cancel, each with `references` to the earlier alerts.
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "risk/level_change.hpp"

namespace floodsim::risk {

inline constexpr const char* kCapNamespace = "urn:oasis:names:tc:emergency:cap:1.2";

/// A clock time: seconds since 1970-01-01T00:00:00 UTC (leap seconds not counted, as POSIX).
using UnixSeconds = std::int64_t;

struct CapOptions {
    // Sender code after GB/T 35965.1 annex A (ZZZZZZDDDUUUXX, the first 14 characters of every
    // identifier): region, department, unit and extension codes, digits only.
    std::string region_code = "410106";   ///< ZZZZZZ: GB/T 2260 code of the region (410106 Shangjie)
    std::string department_code = "000";  ///< DDD: GB/T 4657 code of the issuing institution
    std::string unit_code = "000";        ///< UUU: the institution's internal unit, default 000
    std::string extension_code = "00";    ///< XX: extension, default 00
    /// CAP `sender` (no spaces, commas, '<' or '&'); empty: the 14-digit sender code.
    std::string sender;
    std::string sender_name_zh = "上街区城市内涝预警（floodsim 模型）";
    std::string sender_name_en = "Shangjie District urban flood warning (floodsim model)";
    /// Minutes east of UTC of every time written (`sent`, `onset`, the identifier's time):
    /// +480 = +08:00, Beijing time, which GB/T 35965.1 prescribes for the identifier.
    int utc_offset_minutes = 480;
    std::string status = "Exercise";   ///< CAP status: Actual, Exercise, System, Test, Draft
    std::string certainty = "Likely";  ///< CAP certainty: Likely for a forecast, Observed for gauges
    UnixSeconds start_time = 0;        ///< clock time of simulated t = 0
    UnixSeconds issue_time = 0;        ///< `sent` of write(event) without an explicit time
    /// s: how long an alert stays in force after its onset (or after `sent`, if later) when no
    /// Update or Cancel replaces it: `expires` = max(onset, sent) + validity_s.
    double validity_s = 24.0 * 3600.0;
    /// `info` blocks, in this order; each "zh-CN" or "en-US" (the languages the texts exist in).
    std::vector<std::string> languages = {"zh-CN", "en-US"};
};

/// One written alert: what the spool and the delivery need besides the XML itself.
struct CapAlert {
    std::string identifier;  ///< CAP identifier, GB/T 35965.1 form
    std::string sender;
    std::string sent;      ///< ISO 8601 with offset, as in the XML
    std::string msg_type;  ///< Alert, Update or Cancel
    std::string xml;       ///< the CAP 1.2 document, UTF-8
    /// "sender,identifier,sent": how later alerts reference this one.
    std::string reference() const { return sender + "," + identifier + "," + sent; }
};

class CapWriter {
public:
    /// Throws InputError (key = the option's name) for an option out of its form: codes not all
    /// digits or of the wrong length, an unknown status, certainty or language, a sender with
    /// spaces or commas, an offset beyond +-14:00 or validity_s not positive.
    explicit CapWriter(CapOptions options);

    /// The alert for the next event, issued at options.issue_time.
    CapAlert write(const LevelChange& event) { return write(event, options_.issue_time); }
    /// The alert for the next event, issued (`sent`) at `sent_time` (online warnings: the clock
    /// time the run reached the event). msgType: Alert when the asset has no alert in force
    /// (first level, or the first after a Cancel), Update when it has one and the level changes,
    /// Cancel when the level falls to 0; the writer's own record of the asset decides, the
    /// event's previous_level is not used. Throws std::invalid_argument for an event that cannot
    /// be written: level outside 0..4, a fall to none or a repeat of the same level for an
    /// asset without (or with that) alert in force, an empty asset id, a polygon that is not a
    /// closed ring of at least 4 valid WGS84 points, a circle with a bad centre or radius, or no
    /// polygon nor circle for an asset that has no earlier area to reuse.
    CapAlert write(const LevelChange& event, UnixSeconds sent_time);

    /// The level in force for an asset (0: none, or an asset never seen).
    int level_of(const std::string& asset_id) const;

    /// What the writer remembers between alerts: each asset's chain in force, and the last
    /// identifier's time and serial. A resumed run sets it back (restore) so that its next alerts
    /// continue the chains (Update, Cancel with their references) instead of starting them anew.
    struct Chain {
        int level = 0;
        std::vector<std::string> references;  ///< alerts of the chain in force, oldest first
        AlertArea area;                       ///< the last area written (reused by a Cancel)
    };
    struct Memory {
        std::map<std::string, Chain> chains;
        UnixSeconds last_id_time = std::numeric_limits<UnixSeconds>::min();
        int last_id_serial = -1;
    };
    Memory memory() const { return {assets_, last_id_time_, last_id_serial_}; }
    void restore(Memory m);
    const CapOptions& options() const { return options_; }
    /// The 14-digit sender code ZZZZZZDDDUUUXX.
    std::string sender_code() const;

private:
    std::string next_identifier(UnixSeconds sent_time);

    CapOptions options_;
    std::string sender_;
    std::map<std::string, Chain> assets_;
    UnixSeconds last_id_time_ = std::numeric_limits<UnixSeconds>::min();  ///< time part of the last identifier
    int last_id_serial_ = -1;                                             ///< its N (0..9)
};

/// "YYYY-MM-DDThh:mm:ss+hh:mm" for a clock time at `utc_offset_minutes` east of UTC (CAP's
/// dateTime: whole seconds, numeric offset; UTC is written -00:00 as CAP asks, not Z).
std::string format_cap_time(UnixSeconds t, int utc_offset_minutes);

}  // namespace floodsim::risk
