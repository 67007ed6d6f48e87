#pragma once
// Online warnings of a Run (the scenario's [warning]; docs/warnings.md "Online warnings"): the assets and
// the level scheme loaded with the model, the level tracker fed with the assets' cells at every
// evaluation, each change turned into a CAP alert (sent = the wall clock when it is issued) that
// goes into the spool and, with a webhook, to the endpoint; all of it off the run's path except
// the classification of the assets' cells and the writing of the XML.
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "floodsim/run.hpp"
#include "mesh/grid2d.hpp"
#include "risk/alert_outbox.hpp"
#include "risk/cap_alert.hpp"
#include "risk/online_warnings.hpp"
#include "scenarios/scenario.hpp"

namespace floodsim {

class OnlineWarnings {
public:
    /// s: how long the delivery may go on after the end of the run before what is left stays
    /// in the spool (for `floodsim deliver`).
    static constexpr double kDeliveryBudgetS = 2.0;

    /// Loads the assets of `sc.warning` onto `grid` (cells outside the domain, where
    /// `inside[c]` is false, dropped) and its level scheme; checks the CAP options. Throws
    /// InputError naming the file, the key and the value. Writes nothing.
    OnlineWarnings(const Scenario& sc, const Grid2D& grid, const std::vector<bool>& inside);
    ~OnlineWarnings();

    /// At the start of the run: the clock times (issue time: warning.issue_time, else
    /// time.start, else now; t = 0: time.start, else the issue time), the spool (warning.spool,
    /// else <result stem>.alerts beside `result_path`, else beside the scenario's output.file)
    /// and the delivery thread. Throws InputError (file = the spool) when it cannot be made.
    void start(const std::string& result_path);

    /// The cells whose values evaluate() takes, in this order (row-major j * nx + i).
    const std::vector<std::size_t>& cells() const { return tracker_.cells(); }
    bool needs_velocity() const { return tracker_.needs_velocity(); }

    /// The levels at `time_s` from the cells' depth (m) and velocities (m/s, when needed): each
    /// change becomes a CAP alert queued for the spool, then goes to `on_level`. A change whose
    /// alert cannot be written goes to `on_warning` (and to on_level without an identifier): the
    /// run goes on.
    void evaluate(double time_s, const double* depth, const double* vx, const double* vy,
                  const std::function<void(const LevelView&)>& on_level,
                  const std::function<void(const std::string&)>& on_warning);

    /// What a checkpoint keeps of them (JSON text): the assets' levels, the CAP chains in force
    /// and the counters. restore() sets them back after start() in a resumed run, so that its
    /// alerts continue the chains; throws InputError(`checkpoint`, "run/online_warnings", ...) for
    /// a text that does not fit these assets.
    std::string save() const;
    void restore(const std::string& text, const std::string& checkpoint);

    /// At the end of the run: every alert into the spool, then the delivery gets
    /// kDeliveryBudgetS more. Idempotent.
    void finish();

    RunSummary::Warnings summary() const;

private:
    WarningConfig w_;
    std::optional<ClockTime> start_;  ///< [time] start
    risk::OnlineLevelTracker tracker_;
    risk::CapOptions cap_options_;
    std::unique_ptr<risk::CapWriter> writer_;
    std::unique_ptr<risk::AlertOutbox> outbox_;
    std::string spool_;
    std::int64_t changes_ = 0, issued_ = 0;
    bool finished_ = false;
    risk::AlertOutbox::Totals final_;
};

}  // namespace floodsim
