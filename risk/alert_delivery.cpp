#include "risk/alert_delivery.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <map>
#include <mutex>
#include <random>
#include <stdexcept>
#include <utility>

#include "mesh/input_error.hpp"

namespace floodsim::risk {

namespace {

using Clock = std::chrono::steady_clock;

void ensure_curl() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw std::runtime_error("libcurl: cannot initialise");
    });
}

Clock::duration seconds(double s) {
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(std::max(s, 0.0)));
}

/// The k-th wait (k >= 1) of a backoff: base * 2^(k-1), at most max, drawn in [1/2, 1] of that.
double backoff_s(const DeliveryOptions& o, std::size_t k) {
    thread_local std::minstd_rand rng{std::random_device{}()};
    const double full =
        std::min(o.max_delay_s, o.base_delay_s * std::pow(2.0, static_cast<double>(std::min<std::size_t>(k, 60) - 1)));
    return full * std::uniform_real_distribution<double>(0.5, 1.0)(rng);
}

bool header_safe(const std::string& s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

/// A deadline another thread may move (stop()): steady-clock ticks; max: none.
using Deadline = std::atomic<Clock::rep>;
constexpr Clock::rep kNoDeadline = std::numeric_limits<Clock::rep>::max();

bool passed(const Deadline& d) { return Clock::now().time_since_epoch().count() >= d.load(); }
double seconds_left(const Deadline& d) {
    const Clock::rep at = d.load();
    if (at == kNoDeadline) return std::numeric_limits<double>::infinity();
    return std::chrono::duration<double>(Clock::duration(at) - Clock::now().time_since_epoch()).count();
}

int progress_cb(void* p, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    return passed(*static_cast<const Deadline*>(p)) ? 1 : 0;  // non-zero aborts the transfer
}

std::size_t discard_cb(char*, std::size_t size, std::size_t n, void*) { return size * n; }

/// A libcurl handle kept between POSTs (connection reuse) and the POST itself.
class Poster {
public:
    Poster() {
        ensure_curl();
        h_ = curl_easy_init();
        if (!h_) throw std::runtime_error("libcurl: cannot create a handle");
    }
    ~Poster() { curl_easy_cleanup(h_); }
    Poster(const Poster&) = delete;
    Poster& operator=(const Poster&) = delete;

    PostResult post(const std::string& url, const std::string& identifier, const std::string& xml,
                    const DeliveryOptions& o, double request_timeout_s, const Deadline& cut_at) {
        curl_easy_reset(h_);
        curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/cap+xml");
        // the receiver's key for de-duplication (at-least-once delivery repeats alerts)
        if (header_safe(identifier)) headers = curl_slist_append(headers, ("X-CAP-Identifier: " + identifier).c_str());
        headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip
        for (const std::string& h : o.headers) headers = curl_slist_append(headers, h.c_str());
        const auto ms = [](double s) { return static_cast<long>(std::ceil(std::max(s, 0.001) * 1000.0)); };
        curl_easy_setopt(h_, CURLOPT_URL, url.c_str());
#if LIBCURL_VERSION_NUM >= 0x075500  // 7.85
        curl_easy_setopt(h_, CURLOPT_PROTOCOLS_STR, "http,https");
#else
        curl_easy_setopt(h_, CURLOPT_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
        curl_easy_setopt(h_, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(h_, CURLOPT_POST, 1L);
        curl_easy_setopt(h_, CURLOPT_POSTFIELDS, xml.data());
        curl_easy_setopt(h_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(xml.size()));
        curl_easy_setopt(h_, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(h_, CURLOPT_USERAGENT, "floodsim-cap-delivery");
        curl_easy_setopt(h_, CURLOPT_TIMEOUT_MS, ms(request_timeout_s));
        curl_easy_setopt(h_, CURLOPT_CONNECTTIMEOUT_MS, ms(std::min(o.connect_timeout_s, request_timeout_s)));
        curl_easy_setopt(h_, CURLOPT_WRITEFUNCTION, discard_cb);
        curl_easy_setopt(h_, CURLOPT_NOPROGRESS, 0L);
        curl_easy_setopt(h_, CURLOPT_XFERINFOFUNCTION, progress_cb);
        curl_easy_setopt(h_, CURLOPT_XFERINFODATA, const_cast<Deadline*>(&cut_at));
        char errbuf[CURL_ERROR_SIZE] = {0};
        curl_easy_setopt(h_, CURLOPT_ERRORBUFFER, errbuf);
        const CURLcode rc = curl_easy_perform(h_);
        curl_slist_free_all(headers);
        PostResult r;
        if (rc != CURLE_OK) {
            r.outcome = PostResult::Unavailable;
            r.error = std::string(curl_easy_strerror(rc)) + (errbuf[0] ? std::string(": ") + errbuf : std::string());
            return r;
        }
        curl_easy_getinfo(h_, CURLINFO_RESPONSE_CODE, &r.http_status);
        if (r.http_status >= 200 && r.http_status < 300) {
            r.outcome = PostResult::Delivered;
        } else {
            const bool busy = r.http_status >= 500 || r.http_status == 408 || r.http_status == 429;
            r.outcome = busy ? PostResult::Unavailable : PostResult::Rejected;
            r.error = "HTTP " + std::to_string(r.http_status);
        }
        return r;
    }

private:
    CURL* h_ = nullptr;
};

/// Delivery passes over a spool, shared by the worker and flush_spool: per-alert waits for
/// rejected alerts (so one refused alert does not hold the others back) and the statistics.
class Courier {
public:
    Courier(AlertSpool& spool, std::string url, const DeliveryOptions& o)
        : spool_(spool), url_(std::move(url)), o_(o) {}

    enum class Pass {
        Done,         ///< every alert due was tried; nothing more to do before next_due()
        Unavailable,  ///< the endpoint is down: the pass stopped at the first failure
        Cut           ///< the deadline came
    };

    /// One pass in put order. `update` receives the statistics after each POST.
    template <class Update>
    Pass pass(const Deadline& deadline, Update update) {
        for (const AlertSpool::Entry& e : spool_.pending()) {
            const Clock::time_point now = Clock::now();
            if (passed(deadline)) return Pass::Cut;
            const auto w = waits_.find(e.identifier);
            if (w != waits_.end() && now < w->second.due) continue;
            std::string xml;
            try {
                xml = spool_.read(e);
            } catch (const std::runtime_error&) {
                continue;  // gone meanwhile: delivered by another process
            }
            const double left = seconds_left(deadline);
            const PostResult r =
                poster_.post(url_, e.identifier, xml, o_, std::min(o_.request_timeout_s, left), deadline);
            ++stats_.attempts;
            if (r.outcome == PostResult::Delivered) {
                spool_.mark_sent(e);
                waits_.erase(e.identifier);
                ++stats_.delivered;
                update(stats_);
                continue;
            }
            ++stats_.failures;
            stats_.last_error = e.identifier + ": " + r.error;
            update(stats_);
            if (r.outcome == PostResult::Unavailable) return Pass::Unavailable;
            Wait& wt = waits_[e.identifier];
            wt.due = Clock::now() + seconds(backoff_s(o_, ++wt.tries));
        }
        return Pass::Done;
    }

    /// When the first rejected alert may be tried again (time_point::max() when none waits).
    Clock::time_point next_due() const {
        Clock::time_point t = Clock::time_point::max();
        for (const auto& [id, w] : waits_) t = std::min(t, w.due);
        return t;
    }
    const DeliveryStats& stats() const { return stats_; }

private:
    struct Wait {
        std::size_t tries = 0;
        Clock::time_point due{};
    };
    AlertSpool& spool_;
    std::string url_;
    DeliveryOptions o_;
    Poster poster_;
    std::map<std::string, Wait> waits_;
    DeliveryStats stats_;
};

}  // namespace

void check_delivery_options(const DeliveryOptions& o) {
    auto positive = [](const char* key, double v) {
        if (!(v > 0.0) || !std::isfinite(v))
            throw InputError("", key, format_number(v), "must be a positive number of seconds");
    };
    positive("base_delay_s", o.base_delay_s);
    positive("max_delay_s", o.max_delay_s);
    positive("request_timeout_s", o.request_timeout_s);
    positive("connect_timeout_s", o.connect_timeout_s);
    positive("poll_interval_s", o.poll_interval_s);
    if (o.max_delay_s < o.base_delay_s)
        throw InputError("", "max_delay_s", format_number(o.max_delay_s), "must not be below base_delay_s");
    for (const std::string& h : o.headers) {
        const std::size_t colon = h.find(':');
        const bool one_line = std::none_of(h.begin(), h.end(), [](char c) { return c == '\r' || c == '\n'; });
        if (colon == std::string::npos || colon == 0 || !one_line || h.find(' ') < colon)
            throw InputError("", "header", shown(h), "must be one line 'Name: value'");
    }
}

void check_webhook_url(const std::string& url) {
    ensure_curl();
    CURLU* u = curl_url();
    const CURLUcode rc = curl_url_set(u, CURLUPART_URL, url.c_str(), 0);
    char* scheme = nullptr;
    bool ok = rc == CURLUE_OK && curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK;
    if (ok) ok = std::string(scheme) == "http" || std::string(scheme) == "https";
    curl_free(scheme);
    curl_url_cleanup(u);
    if (!ok) throw InputError("", "webhook", shown(url), "is not an http:// or https:// URL");
}

PostResult post_alert(const std::string& url, const std::string& identifier, const std::string& xml,
                      const DeliveryOptions& options) {
    Poster p;
    const Deadline none{kNoDeadline};
    return p.post(url, identifier, xml, options, options.request_timeout_s, none);
}

FlushResult flush_spool(AlertSpool& spool, const std::string& url, const DeliveryOptions& options, double budget_s) {
    check_webhook_url(url);
    check_delivery_options(options);
    const Clock::time_point end = Clock::now() + seconds(budget_s);
    const Deadline deadline{end.time_since_epoch().count()};
    Courier courier(spool, url, options);
    std::size_t failing = 0;
    for (;;) {
        const Courier::Pass p = courier.pass(deadline, [](const DeliveryStats&) {});
        if (spool.pending().empty() || Clock::now() >= end) break;
        Clock::time_point next;
        if (p == Courier::Pass::Unavailable) {
            next = Clock::now() + seconds(backoff_s(options, ++failing));
        } else {
            failing = 0;
            // rejected alerts wait for their own time; files that appeared meanwhile at the poll
            next = std::min(courier.next_due(), Clock::now() + seconds(options.poll_interval_s));
        }
        std::this_thread::sleep_until(std::min(next, end));
    }
    FlushResult r;
    r.stats = courier.stats();
    r.remaining = spool.pending().size();
    return r;
}

// ---------------------------------------------------------------------------------------------

AlertDelivery::AlertDelivery(DeliveryOptions options) : options_(options) { check_delivery_options(options_); }

AlertDelivery::~AlertDelivery() {
    try {
        stop(0.0);
    } catch (...) {  // a destructor must not throw; what remains is in the spool anyway
    }
}

void AlertDelivery::start(const std::string& url, AlertSpool& spool) {
    check_webhook_url(url);
    {
        std::lock_guard lock(mutex_);
        if (started_) throw std::logic_error("AlertDelivery::start: already started");
        started_ = true;
        url_ = url;
        spool_ = &spool;
        signalled_ = true;  // first, whatever an earlier run left in the spool
    }
    spool.set_on_put([this] { notify(); });
    thread_ = std::thread([this] { run(); });
}

std::filesystem::path AlertDelivery::enqueue(const std::string& identifier, const std::string& xml) {
    AlertSpool* spool;
    {
        std::lock_guard lock(mutex_);
        if (!spool_) throw std::logic_error("AlertDelivery::enqueue before start");
        spool = spool_;
    }
    return spool->put(identifier, xml);  // the spool's hook wakes the worker
}

void AlertDelivery::notify() {
    {
        std::lock_guard lock(mutex_);
        signalled_ = true;
    }
    cv_.notify_one();
}

std::size_t AlertDelivery::stop(double budget_s) {
    AlertSpool* spool;
    {
        std::lock_guard lock(mutex_);
        if (!started_) return 0;
        if (!stopping_) {
            stopping_ = true;
            stop_deadline_ = Clock::now() + seconds(budget_s);
            deadline_.store(stop_deadline_.time_since_epoch().count());  // cuts a POST under way
            signalled_ = true;
        }
        spool = spool_;
    }
    cv_.notify_one();
    if (thread_.joinable()) thread_.join();
    spool->set_on_put({});
    return spool->pending().size();
}

bool AlertDelivery::running() const {
    std::lock_guard lock(mutex_);
    return started_ && !stopping_;
}

DeliveryStats AlertDelivery::stats() const {
    std::lock_guard lock(mutex_);
    return stats_;
}

void AlertDelivery::run() {
    // The thread never lets an exception out: a failure to list or read the spool is kept as the
    // last error and tried again at the next poll.
    std::unique_ptr<Courier> courier;
    std::size_t failing = 0;  // consecutive passes that found the endpoint down
    Clock::time_point retry_at{}, poll_at = Clock::now();
    bool stop_try_done = false;
    std::unique_lock lock(mutex_);
    for (;;) {
        const Clock::time_point now = Clock::now();
        if (stopping_) {
            if (now >= stop_deadline_) break;
            if (!stop_try_done) {  // stop: one try at once, even during a backoff
                retry_at = now;
                signalled_ = true;
            }
        }
        const bool due = failing > 0 ? now >= retry_at : (signalled_ || now >= poll_at);
        if (!due) {
            Clock::time_point wake = failing > 0 ? retry_at : poll_at;
            if (stopping_) wake = std::min(wake, stop_deadline_);
            cv_.wait_until(lock, wake);
            continue;
        }
        signalled_ = false;
        if (stopping_) stop_try_done = true;
        const std::string url = url_;
        AlertSpool& spool = *spool_;
        lock.unlock();
        Courier::Pass p = Courier::Pass::Done;
        std::string error;
        bool empty = false;
        try {
            if (!courier) courier = std::make_unique<Courier>(spool, url, options_);
            p = courier->pass(deadline_, [this](const DeliveryStats& s) {
                std::lock_guard l(mutex_);
                stats_ = s;
            });
            empty = spool.pending().empty();
        } catch (const std::exception& e) {
            error = e.what();
            p = Courier::Pass::Unavailable;
        }
        lock.lock();
        if (!error.empty()) stats_.last_error = error;
        const Clock::time_point after = Clock::now();
        if (p == Courier::Pass::Unavailable) {
            retry_at = after + seconds(backoff_s(options_, ++failing));
        } else {
            failing = 0;
            poll_at = std::min(after + seconds(options_.poll_interval_s), courier ? courier->next_due() : poll_at);
        }
        if (stopping_ && (empty || after >= stop_deadline_)) break;
    }
}

}  // namespace floodsim::risk
