#include "risk/alert_outbox.hpp"

#include <exception>

namespace floodsim::risk {

AlertOutbox::AlertOutbox(std::filesystem::path spool_dir, const std::string& webhook, DeliveryOptions options)
    : spool_(std::move(spool_dir)) {
    if (!webhook.empty()) {
        delivery_ = std::make_unique<AlertDelivery>(options);
        delivery_->start(webhook, spool_);
    }
    writer_ = std::thread([this] { write_loop(); });
}

AlertOutbox::~AlertOutbox() {
    try {
        close(0.0);
    } catch (...) {  // a destructor must not throw; what was spooled stays in the spool
    }
}

void AlertOutbox::post(std::string identifier, std::string xml) {
    {
        std::lock_guard lock(mutex_);
        queue_.emplace_back(std::move(identifier), std::move(xml));
        ++totals_.posted;
    }
    cv_.notify_one();
}

void AlertOutbox::write_loop() {
    std::unique_lock lock(mutex_);
    for (;;) {
        cv_.wait(lock, [this] { return closing_ || !queue_.empty(); });
        if (queue_.empty()) return;  // closing, and everything written
        auto [identifier, xml] = std::move(queue_.front());
        queue_.pop_front();
        lock.unlock();
        std::string error;
        try {
            spool_.put(identifier, xml);  // wakes the delivery thread through the spool's hook
        } catch (const std::exception& e) {
            error = identifier + ": " + e.what();
        }
        lock.lock();
        if (error.empty())
            ++totals_.spooled;
        else
            totals_.last_error = error;
    }
}

AlertOutbox::Totals AlertOutbox::close(double budget_s) {
    {
        std::lock_guard lock(mutex_);
        if (closed_) return totals_;
        closing_ = true;
    }
    cv_.notify_one();
    if (writer_.joinable()) writer_.join();
    Totals t;
    {
        std::lock_guard lock(mutex_);
        t = totals_;
    }
    if (delivery_) {
        t.in_spool = delivery_->stop(budget_s);
        const DeliveryStats s = delivery_->stats();
        t.delivered = s.delivered;
        if (!s.last_error.empty() && t.last_error.empty()) t.last_error = s.last_error;
    } else {
        t.in_spool = spool_.pending().size();
    }
    std::lock_guard lock(mutex_);
    totals_ = t;
    closed_ = true;
    return t;
}

AlertOutbox::Totals AlertOutbox::totals() const {
    Totals t;
    {
        std::lock_guard lock(mutex_);
        t = totals_;
        if (closed_) return t;
    }
    if (delivery_) {
        const DeliveryStats s = delivery_->stats();
        t.delivered = s.delivered;
        if (!s.last_error.empty() && t.last_error.empty()) t.last_error = s.last_error;
    }
    try {
        t.in_spool = spool_.pending().size();
    } catch (const std::exception&) {
    }
    return t;
}

}  // namespace floodsim::risk
