#include "risk/cap_products.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace floodsim::risk {

namespace fs = std::filesystem;

std::vector<CapAlert> report_alerts(const RiskReport& report, CapOptions options) {
    if (!report.t0_clock || !report.issue_clock)
        throw std::invalid_argument("report_alerts: the report has no clock time of t = 0 or of its issue");
    options.start_time = static_cast<UnixSeconds>(std::floor(*report.t0_clock));
    options.issue_time = static_cast<UnixSeconds>(std::floor(*report.issue_clock));
    CapWriter writer(std::move(options));
    std::vector<CapAlert> alerts;
    alerts.reserve(report.changes.size());
    for (const LevelChange& e : report.changes) alerts.push_back(writer.write(e));
    return alerts;
}

std::string write_cap_alerts(const std::vector<CapAlert>& alerts, const std::string& dir) {
    const fs::path final_dir = fs::path(dir) / "cap", tmp = fs::path(dir) / ".cap.partial", old = fs::path(dir) / ".cap.old";
    std::error_code ec;
    fs::remove_all(tmp, ec);
    fs::create_directories(tmp, ec);
    if (ec) throw std::runtime_error(tmp.string() + ": cannot create the folder: " + ec.message());
    try {
        for (const CapAlert& a : alerts) {
            const fs::path p = tmp / (a.identifier + ".xml");
            std::ofstream out(p, std::ios::binary);
            out << a.xml;
            out.close();
            if (!out) throw std::runtime_error(p.string() + ": cannot write the alert");
        }
        fs::remove_all(old, ec);
        if (fs::exists(final_dir)) fs::rename(final_dir, old);
        fs::rename(tmp, final_dir);
        fs::remove_all(old, ec);
    } catch (const fs::filesystem_error& e) {
        fs::remove_all(tmp, ec);
        throw std::runtime_error(final_dir.string() + ": cannot put the alerts in place: " + e.what());
    } catch (...) {
        fs::remove_all(tmp, ec);
        throw;
    }
    return final_dir.string();
}

}  // namespace floodsim::risk
