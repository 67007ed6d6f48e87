#include "risk/cap_alert.hpp"

#include "scenarios/clock_time.hpp"

#include <libxml/xmlwriter.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <limits>
#include <memory>
#include <stdexcept>
#include <utility>

#include "mesh/input_error.hpp"
#include "risk/levels.hpp"

namespace floodsim::risk {

namespace {

/// The identifier's time part: YYYYMMDDhhmmss at the offset.
std::string compact_time(UnixSeconds t, int offset_min) { return compact_clock_time(t, offset_min); }

/// "YYYY-MM-DD hh:mm" at the offset, for texts.
std::string text_time(UnixSeconds t, int offset_min) { return text_clock_time(t, offset_min); }

// ---------------------------------------------------------------------------------------------
// Options

bool all_digits(const std::string& s, std::size_t n) {
    return s.size() == n && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

void require_digits(const std::string& key, const std::string& value, std::size_t n) {
    if (!all_digits(value, n))
        throw InputError("", key, shown(value), "must be " + std::to_string(n) + " digits (GB/T 35965.1 sender code)");
}

/// CAP forbids spaces, commas and the restricted characters '<' and '&' in identifier and sender.
bool cap_token(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
        if (static_cast<unsigned char>(c) <= 0x20 || c == ',' || c == '<' || c == '&' || c == 0x7f) return false;
    return true;
}

void require_one_of(const std::string& key, const std::string& value, std::initializer_list<const char*> allowed) {
    std::string list;
    for (const char* a : allowed) {
        if (value == a) return;
        if (!list.empty()) list += ", ";
        list += a;
    }
    throw InputError("", key, shown(value), "must be one of " + list);
}

void validate(const CapOptions& o) {
    require_digits("region_code", o.region_code, 6);
    require_digits("department_code", o.department_code, 3);
    require_digits("unit_code", o.unit_code, 3);
    require_digits("extension_code", o.extension_code, 2);
    if (!o.sender.empty() && !cap_token(o.sender))
        throw InputError("", "sender", shown(o.sender), "must not contain spaces, commas, '<' or '&' (CAP 1.2)");
    if (o.utc_offset_minutes < -14 * 60 || o.utc_offset_minutes > 14 * 60)
        throw InputError("", "utc_offset_minutes", std::to_string(o.utc_offset_minutes),
                         "must be within -14:00 .. +14:00");
    require_one_of("status", o.status, {"Actual", "Exercise", "System", "Test", "Draft"});
    require_one_of("certainty", o.certainty, {"Observed", "Likely", "Possible", "Unlikely", "Unknown"});
    if (!(o.validity_s > 0.0) || !std::isfinite(o.validity_s))
        throw InputError("", "validity_s", format_number(o.validity_s), "must be a positive number of seconds");
    if (o.languages.empty()) throw InputError("", "languages", "", "needs at least one of zh-CN, en-US");
    for (const std::string& l : o.languages) require_one_of("languages", l, {"zh-CN", "en-US"});
}

// ---------------------------------------------------------------------------------------------
// Text

/// Valid UTF-8 for XML 1.0: a malformed sequence becomes U+FFFD and a control character other
/// than tab, line feed and carriage return a space (XML 1.0 cannot carry them at all).
std::string xml_text(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const std::size_t n = s.size();
    for (std::size_t i = 0; i < n;) {
        const unsigned char c = p[i];
        if (c < 0x80) {
            out += (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f ? ' ' : static_cast<char>(c);
            ++i;
            continue;
        }
        std::size_t len = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
        if (c >= 0xf5) len = 0;
        std::uint32_t cp = len == 2 ? c & 0x1f : len == 3 ? c & 0x0f : c & 0x07;
        bool ok = len > 0 && i + len <= n;
        for (std::size_t k = 1; ok && k < len; ++k) {
            if ((p[i + k] & 0xc0) != 0x80) ok = false;
            cp = (cp << 6) | (p[i + k] & 0x3f);
        }
        // overlong forms, surrogates, beyond U+10FFFF, and the XML non-characters U+FFFE/U+FFFF
        if (ok && ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
                   (cp >= 0xd800 && cp <= 0xdfff) || cp == 0xfffe || cp == 0xffff))
            ok = false;
        if (ok) {
            out.append(s.substr(i, len));
            i += len;
        } else {
            out += "\xef\xbf\xbd";
            ++i;
        }
    }
    return out;
}

std::string fixed(double v, int decimals) {
    char b[64];
    std::snprintf(b, sizeof b, "%.*f", decimals, v);
    return b;
}

std::string capitalised(std::string s) {
    if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
    return s;
}

const char* roman(int level) {
    static const char* const r[] = {"", "I", "II", "III", "IV"};
    return r[level];
}

/// Words of one info block; zh and en versions of the same facts.
struct Texts {
    std::string event, headline, description, instruction, sender_name;
};

const char* instruction(int level, bool zh) {
    switch (level) {
        case 1:
            return zh ? "立即撤离低洼地带、地下空间和下穿通道，禁止车辆和行人通行，转移至安全地点。"
                      : "Leave low-lying places, basements and underpasses now; do not walk or drive through the "
                        "water; move to a safe place.";
        case 2:
            return zh ? "停止户外活动，车辆和行人绕行，地下空间和下穿通道内人员立即撤出。"
                      : "Stop outdoor activities; vehicles and pedestrians take another way; leave basements and "
                        "underpasses.";
        case 3:
            return zh ? "避免前往该区域，车辆绕行，做好防范积水准备。"
                      : "Avoid the area; vehicles take another way; prepare for water on the ground.";
        case 4:
            return zh ? "关注积水变化，谨慎通行。" : "Watch the water and pass with care.";
        default:
            return zh ? "积水消退，注意安全，留意后续预警。"
                      : "The water has gone down; stay careful and watch for further warnings.";
    }
}

/// from_level: the level in force before this event (the writer's, 0 for a first alert).
Texts texts(const LevelChange& e, int shown_level, int from_level, UnixSeconds at, const CapOptions& o, bool zh) {
    const LevelInfo& li = level_info(shown_level);
    const std::string asset = xml_text(e.asset_name.empty() ? e.asset_id : e.asset_name);
    const std::string when = text_time(at, o.utc_offset_minutes);
    const std::string depth = fixed(e.max_depth, 2);
    const bool cancel = e.level == 0;
    Texts t;
    t.sender_name = zh ? o.sender_name_zh : o.sender_name_en;
    t.instruction = instruction(e.level, zh);
    if (zh) {
        const std::string kind = e.flash_flood ? "山洪" : "城市内涝";
        t.event = kind;
        if (cancel) {
            t.headline = "解除" + asset + kind + li.colour_zh + "预警";
            t.description = when + "起，" + asset + "积水深度降至" + depth + "米，低于各级预警标准，解除" + kind +
                            li.colour_zh + "预警。";
        } else {
            t.headline = asset + kind + li.colour_zh + "预警";
            std::string change;
            if (from_level != 0)
                change = std::string("，由") + level_info(from_level).colour_zh +
                         (more_severe(e.level, from_level) ? "升级" : "降级") + "为" + li.colour_zh + "预警";
            t.description = (o.certainty == "Observed" ? std::string("实测：") : std::string("模型预报：")) + when +
                            "起，" + asset + "积水深度" + depth + "米，达到" + kind + li.colour_zh + "预警（" +
                            roman(shown_level) + "级）标准" + change + "。";
        }
    } else {
        const std::string kind = e.flash_flood ? "flash flood" : "urban flooding";
        t.event = e.flash_flood ? "Flash flood" : "Urban flooding";
        const std::string offset = format_cap_time(at, o.utc_offset_minutes).substr(19);
        if (cancel) {
            t.headline = capitalised(li.colour_en) + " " + kind + " warning for " + asset + " cancelled";
            t.description = "From " + when + " (UTC" + offset + "), the water at " + asset + " falls to " + depth +
                            " m, below every warning level: the " + li.colour_en + " " + kind +
                            " warning is cancelled.";
        } else {
            t.headline = capitalised(li.colour_en) + " " + kind + " warning for " + asset;
            std::string change;
            if (from_level != 0)
                change = std::string(more_severe(e.level, from_level) ? ", raised" : ", lowered") + " from " +
                         level_info(from_level).colour_en;
            t.description = std::string(o.certainty == "Observed" ? "Observed" : "Model forecast") + ": from " + when +
                            " (UTC" + offset + "), the water at " + asset + " is " + depth + " m deep, reaching the " +
                            li.colour_en + " " + kind + " warning level (level " + std::to_string(shown_level) + ")" +
                            change + ".";
        }
    }
    return t;
}

std::vector<const char*> response_types(int level) {
    switch (level) {
        case 1:
            return {"Evacuate", "Avoid"};
        case 2:
            return {"Avoid"};
        case 3:
            return {"Prepare"};
        case 4:
            return {"Monitor"};
        default:
            return {"AllClear"};
    }
}

// ---------------------------------------------------------------------------------------------
// Area

void check_point(double lat, double lon, const std::string& what) {
    if (!std::isfinite(lat) || !std::isfinite(lon) || lat < -90.0 || lat > 90.0 || lon < -180.0 || lon > 180.0)
        throw std::invalid_argument(what + ": point (" + format_number(lat) + ", " + format_number(lon) +
                                    ") is not a WGS84 latitude, longitude");
}

std::string coord(double lat, double lon) { return fixed(lat, 6) + "," + fixed(lon, 6); }

std::vector<std::string> polygon_texts(const AlertArea& a, const std::string& asset) {
    std::vector<std::string> out;
    for (const auto& ring : a.polygons) {
        const std::string what = std::string("asset '") + shown(asset) + "': polygon";
        if (ring.size() < 4)
            throw std::invalid_argument(what + " has " + std::to_string(ring.size()) +
                                        " points; CAP needs a closed ring of at least 4");
        for (const auto& p : ring) check_point(p[0], p[1], what);
        if (ring.front() != ring.back()) throw std::invalid_argument(what + " is not closed (first point != last)");
        std::string s;
        for (const auto& p : ring) {
            if (!s.empty()) s += ' ';
            s += coord(p[0], p[1]);
        }
        out.push_back(std::move(s));
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// XML writing: libxml2's text writer, which escapes text and attribute values.

class XmlOut {
public:
    XmlOut() : buf_(xmlBufferCreate()) {
        if (!buf_) throw std::runtime_error("libxml2: cannot create a buffer");
        w_ = xmlNewTextWriterMemory(buf_, 0);
        if (!w_) {
            xmlBufferFree(buf_);
            throw std::runtime_error("libxml2: cannot create a text writer");
        }
        check(xmlTextWriterSetIndent(w_, 1));
        check(xmlTextWriterSetIndentString(w_, BAD_CAST "  "));
        check(xmlTextWriterStartDocument(w_, nullptr, "UTF-8", nullptr));
    }
    ~XmlOut() {
        if (w_) xmlFreeTextWriter(w_);
        xmlBufferFree(buf_);
    }
    XmlOut(const XmlOut&) = delete;
    XmlOut& operator=(const XmlOut&) = delete;

    void start_root(const char* name, const char* ns) {
        check(xmlTextWriterStartElementNS(w_, nullptr, BAD_CAST name, BAD_CAST ns));
    }
    void start(const char* name) { check(xmlTextWriterStartElement(w_, BAD_CAST name)); }
    void end() { check(xmlTextWriterEndElement(w_)); }
    void element(const char* name, const std::string& text) {
        const std::string clean = xml_text(text);
        check(xmlTextWriterWriteElement(w_, BAD_CAST name, BAD_CAST clean.c_str()));
    }
    void named_value(const char* name, const std::string& value_name, const std::string& value) {
        start(name);
        element("valueName", value_name);
        element("value", value);
        end();
    }
    std::string finish() {
        check(xmlTextWriterEndDocument(w_));
        xmlFreeTextWriter(w_);  // flushes into buf_
        w_ = nullptr;
        return std::string(reinterpret_cast<const char*>(xmlBufferContent(buf_)),
                           static_cast<std::size_t>(xmlBufferLength(buf_)));
    }

private:
    static void check(int rc) {
        if (rc < 0) throw std::runtime_error("libxml2: writing a CAP document failed");
    }
    xmlBufferPtr buf_ = nullptr;
    xmlTextWriterPtr w_ = nullptr;
};

}  // namespace

// ---------------------------------------------------------------------------------------------

std::string format_cap_time(UnixSeconds t, int utc_offset_minutes) {
    return format_clock_time(t, utc_offset_minutes, true);
}

CapWriter::CapWriter(CapOptions options) : options_(std::move(options)) {
    validate(options_);
    sender_ = options_.sender.empty() ? sender_code() : options_.sender;
}

std::string CapWriter::sender_code() const {
    return options_.region_code + options_.department_code + options_.unit_code + options_.extension_code;
}

int CapWriter::level_of(const std::string& asset_id) const {
    const auto it = assets_.find(asset_id);
    return it == assets_.end() ? 0 : it->second.level;
}

void CapWriter::restore(Memory m) {
    for (const auto& [id, c] : m.chains)
        if (c.level < 0 || c.level > 4 || (c.level > 0 && c.references.empty()))
            throw std::invalid_argument("CapWriter::restore: asset '" + id + "': level " + std::to_string(c.level) +
                                        " with " + std::to_string(c.references.size()) + " references");
    assets_ = std::move(m.chains);
    last_id_time_ = m.last_id_time;
    last_id_serial_ = m.last_id_serial;
}

std::string CapWriter::next_identifier(UnixSeconds sent_time) {
    // GB/T 35965.1 A.1.1: N is one digit, the serial of alerts of one sender at one time. An
    // eleventh alert in the same second takes the next second, so identifiers stay 31
    // characters, never repeat and never run backwards (even if sent times do).
    UnixSeconds t = std::max(sent_time, last_id_time_);
    int serial = t == last_id_time_ ? last_id_serial_ + 1 : 0;
    if (serial > 9) {
        ++t;
        serial = 0;
    }
    last_id_time_ = t;
    last_id_serial_ = serial;
    return sender_code() + "_" + compact_time(t, options_.utc_offset_minutes) + "_" + std::to_string(serial);
}

CapAlert CapWriter::write(const LevelChange& e, UnixSeconds sent_time) {
    if (e.asset_id.empty()) throw std::invalid_argument("LevelChange without an asset id");
    const std::string who = "asset '" + shown(e.asset_id) + "'";
    if (e.level < 0 || e.level > kLevelCount)
        throw std::invalid_argument(who + ": level " + std::to_string(e.level) + " is not 0..4");
    if (!std::isfinite(e.time_s) || !std::isfinite(e.max_depth))
        throw std::invalid_argument(who + ": time or depth is not a finite number");
    Chain& st = assets_[e.asset_id];
    if (e.level == 0 && st.level == 0)
        throw std::invalid_argument(who + ": falls to no level but has no alert in force");
    if (e.level != 0 && e.level == st.level)
        throw std::invalid_argument(who + ": level " + std::to_string(e.level) + " is already in force");

    // the area: this event's, or for an event without one (a Cancel, typically) the last written
    const bool has_area = !e.area.polygons.empty() || e.area.circle.has_value();
    const bool has_earlier_area = !st.area.polygons.empty() || st.area.circle.has_value();
    if (!has_area && !has_earlier_area) throw std::invalid_argument(who + ": the event has no polygon nor circle");
    AlertArea area = has_area ? e.area : st.area;
    if (area.description.empty()) area.description = e.area.description;
    if (area.description.empty()) area.description = e.asset_name.empty() ? e.asset_id : e.asset_name;
    const std::vector<std::string> polygons = polygon_texts(area, e.asset_id);
    std::string circle;
    if (area.circle) {
        const auto& c = *area.circle;
        check_point(c.lat, c.lon, who + ": circle");
        if (!(c.radius_km >= 0.0) || !std::isfinite(c.radius_km))
            throw std::invalid_argument(who + ": circle radius " + format_number(c.radius_km) + " km is not >= 0");
        circle = coord(c.lat, c.lon) + " " + fixed(c.radius_km, 3);
    }

    const bool cancel = e.level == 0;
    const std::string msg_type = cancel ? "Cancel" : st.level == 0 ? "Alert" : "Update";
    const int shown_level = cancel ? st.level : e.level;  // a Cancel speaks of the level it ends
    const UnixSeconds at = options_.start_time + static_cast<UnixSeconds>(std::llround(e.time_s));
    const int off = options_.utc_offset_minutes;

    CapAlert a;
    a.identifier = next_identifier(sent_time);
    a.sender = sender_;
    a.sent = format_cap_time(sent_time, off);
    a.msg_type = msg_type;

    std::string references;
    if (msg_type != "Alert")
        for (const std::string& r : st.references) {
            if (!references.empty()) references += ' ';
            references += r;
        }

    XmlOut x;
    x.start_root("alert", kCapNamespace);
    x.element("identifier", a.identifier);
    x.element("sender", a.sender);
    x.element("sent", a.sent);
    x.element("status", options_.status);
    x.element("msgType", msg_type);
    x.element("scope", "Public");
    if (options_.status == "Exercise")
        x.element("note", "Exercise: computed by the floodsim flood model; not an official warning.");
    if (!references.empty()) x.element("references", references);
    for (const std::string& lang : options_.languages) {
        const bool zh = lang == "zh-CN";
        const Texts t = texts(e, shown_level, st.level, at, options_, zh);
        x.start("info");
        x.element("language", lang);
        x.element("category", e.flash_flood ? "Geo" : "Met");
        x.element("event", t.event);
        for (const char* r : response_types(e.level)) x.element("responseType", r);
        // urgency: act now when the water is there within the hour (or already)
        x.element("urgency", cancel ? "Past" : at <= sent_time + 3600 ? "Immediate" : "Expected");
        // a Cancel keeps the severity of the warning it ends: a receiver that filters by
        // severity must let the Cancel through wherever it let the alert through
        x.element("severity", level_info(shown_level).cap_severity);
        x.element("certainty", options_.certainty);
        x.element("effective", format_cap_time(at, off));
        if (!cancel) x.element("onset", format_cap_time(at, off));
        const UnixSeconds from = std::max(at, sent_time);
        x.element("expires", format_cap_time(from + static_cast<UnixSeconds>(std::llround(options_.validity_s)), off));
        x.element("senderName", t.sender_name);
        x.element("headline", t.headline);
        x.element("description", t.description);
        x.element("instruction", t.instruction);
        x.named_value("parameter", "warningLevel", std::to_string(e.level));
        x.named_value("parameter", "warningColour", cancel ? "none" : level_info(e.level).colour_en);
        x.named_value("parameter", "assetId", e.asset_id);
        x.named_value("parameter", "waterDepth", fixed(e.max_depth, 3) + " m");
        x.start("area");
        x.element("areaDesc", area.description);
        for (const std::string& p : polygons) x.element("polygon", p);
        if (!circle.empty()) x.element("circle", circle);
        x.named_value("geocode", "GB/T 2260", options_.region_code);
        x.end();  // area
        x.end();  // info
    }
    x.end();  // alert
    a.xml = x.finish();

    // the asset's chain: a Cancel ends it, the next level starts a new one with an Alert
    if (cancel) {
        st = Chain{};
        st.area = area;
    } else {
        st.level = e.level;
        st.references.push_back(a.reference());
        st.area = area;
    }
    return a;
}

}  // namespace floodsim::risk
