#include "cli/deliver_command.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <stdexcept>

#include "cli/exit_status.hpp"
#include "mesh/input_error.hpp"
#include "risk/alert_delivery.hpp"
#include "risk/alert_spool.hpp"

namespace floodsim {

int deliver_command(const DeliverCli& o) {
    return with_exit_status([&] {
        if (!(o.timeout_s > 0.0) || !std::isfinite(o.timeout_s))
            throw InputError("", "--timeout", format_number(o.timeout_s), "must be a positive number of seconds");
        // an existing folder only: a mistyped path must not become a new, empty spool
        std::error_code ec;
        if (!std::filesystem::is_directory(o.spool, ec)) throw InputError(o.spool, "", "", "is not a folder");
        risk::check_webhook_url(o.webhook);
        risk::DeliveryOptions options;
        options.headers = o.headers;
        risk::check_delivery_options(options);
        risk::AlertSpool spool(o.spool);
        const std::size_t before = spool.pending().size();
        if (before == 0) {
            std::printf("floodsim deliver: nothing to deliver in %s\n", o.spool.c_str());
            return 0;
        }
        const risk::FlushResult r = risk::flush_spool(spool, o.webhook, options, o.timeout_s);
        std::printf("floodsim deliver: %zu delivered, %zu remain in %s (%zu requests)\n", r.stats.delivered,
                    r.remaining, o.spool.c_str(), r.stats.attempts);
        if (r.remaining == 0) return 0;
        std::fprintf(stderr, "floodsim: %zu alert%s remain undelivered in %s after %s s (last error: %s)\n",
                     r.remaining, r.remaining == 1 ? "" : "s", o.spool.c_str(), format_number(o.timeout_s).c_str(),
                     r.stats.last_error.empty() ? "none" : r.stats.last_error.c_str());
        return 1;
    });
}

}  // namespace floodsim
