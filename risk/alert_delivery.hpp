#pragma once
// Delivery of spooled CAP alerts to a webhook: HTTP POST (libcurl) of each alert's XML with
// Content-Type application/cap+xml and an X-CAP-Identifier header, retried with exponential
// backoff; an alert leaves the spool only once the endpoint answered 2xx (at least once). An
// AlertDelivery does it on a thread of its own, so the caller (a simulation run) never waits on
// the endpoint; flush_spool() does it in the calling thread (`floodsim deliver`).
// docs/warnings.md, "Delivery".
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <filesystem>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "risk/alert_spool.hpp"

namespace floodsim::risk {

struct DeliveryOptions {
    /// s: the wait after the first failed try; each further failure doubles it, up to
    /// max_delay_s. Each wait is drawn between half and all of that (jitter, so that many
    /// senders do not retry in step).
    double base_delay_s = 1.0;
    double max_delay_s = 60.0;
    double request_timeout_s = 10.0;  ///< s: one POST, from connecting to the end of the answer
    double connect_timeout_s = 5.0;   ///< s: the connection alone
    /// s: how often the worker looks into the spool by itself (alerts put there by another
    /// process, or put directly while it waited); alerts put through this process's spool
    /// wake it at once.
    double poll_interval_s = 2.0;
    /// Extra request headers, "Name: value" each (e.g. "Authorization: Bearer ..."), sent with
    /// every POST after Content-Type and X-CAP-Identifier.
    std::vector<std::string> headers;
};

/// What one POST came to.
struct PostResult {
    enum Outcome {
        Delivered,    ///< 2xx: the endpoint has the alert
        Unavailable,  ///< no connection, timeout, 5xx, 408 or 429: the endpoint is down or busy
        Rejected      ///< any other status (4xx): the endpoint is up but refused this alert
    } outcome = Unavailable;
    long http_status = 0;  ///< 0 when no answer came
    std::string error;     ///< why it was not delivered, one line
};

/// One POST of a CAP document to `url` with the timeouts and headers of `options`; never throws
/// for a network or HTTP failure.
PostResult post_alert(const std::string& url, const std::string& identifier, const std::string& xml,
                      const DeliveryOptions& options = {});

/// Throws InputError (key = the option) for a delay or timeout not > 0, max_delay_s below
/// base_delay_s, or a header that is not one line "Name: value".
void check_delivery_options(const DeliveryOptions& options);

/// Throws InputError (key "webhook") unless `url` is an http:// or https:// URL libcurl can parse.
void check_webhook_url(const std::string& url);

struct DeliveryStats {
    std::size_t delivered = 0;  ///< alerts the endpoint accepted (moved out of the spool)
    std::size_t attempts = 0;   ///< POSTs made
    std::size_t failures = 0;   ///< POSTs that did not deliver
    std::string last_error;     ///< the last failure, empty if none
};

struct FlushResult {
    DeliveryStats stats;
    std::size_t remaining = 0;  ///< alerts still in the spool when it returned
};

/// Sends every alert of the spool in put order, retrying with backoff until all are delivered or
/// `budget_s` seconds have passed (a request under way is cut at the budget). Throws InputError
/// for a bad URL.
FlushResult flush_spool(AlertSpool& spool, const std::string& url, const DeliveryOptions& options, double budget_s);

/// The delivery worker of a run.
///     AlertSpool spool(dir);
///     AlertDelivery delivery;
///     delivery.start(url, spool);        // first sends what an earlier run left
///     spool.put(alert.identifier, alert.xml);   // wakes the worker; never waits on the endpoint
///     ...
///     delivery.stop(10.0);               // tries 10 s more, then leaves the rest in the spool
class AlertDelivery {
public:
    explicit AlertDelivery(DeliveryOptions options = {});
    /// stop(0): whatever is not delivered stays in the spool.
    ~AlertDelivery();
    AlertDelivery(const AlertDelivery&) = delete;
    AlertDelivery& operator=(const AlertDelivery&) = delete;

    /// Starts the worker thread on `spool` (which must outlive this object or the stop()),
    /// and hooks it to the spool so that every put() wakes it. Throws InputError for a bad URL
    /// and std::logic_error when already started.
    void start(const std::string& url, AlertSpool& spool);
    /// spool.put() and a wake-up of the worker: the same as putting into the started spool.
    /// Returns the spool file. Before start(): throws std::logic_error.
    std::filesystem::path enqueue(const std::string& identifier, const std::string& xml);
    /// Wakes the worker to look into the spool now (unless it is waiting out a backoff).
    void notify();
    /// Asks the worker to deliver what remains, for at most `budget_s` seconds (one try at once,
    /// then the backoff), then stops it; returns how many alerts remain in the spool. A POST
    /// under way when the budget ends is cut (within about a second). Idempotent.
    std::size_t stop(double budget_s);

    bool running() const;
    DeliveryStats stats() const;

private:
    void run();
    using Clock = std::chrono::steady_clock;

    DeliveryOptions options_;
    std::string url_;
    AlertSpool* spool_ = nullptr;
    std::thread thread_;
    mutable std::mutex mutex_;
    std::condition_variable cv_;
    bool signalled_ = false, stopping_ = false, started_ = false;
    Clock::time_point stop_deadline_{};
    /// stop_deadline_ for the worker's POSTs, which read it without the mutex (max: none yet)
    std::atomic<Clock::rep> deadline_{std::numeric_limits<Clock::rep>::max()};
    DeliveryStats stats_;
};

}  // namespace floodsim::risk
