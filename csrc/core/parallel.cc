#include "parallel.h"

#include <pthread.h>

#include <atomic>

namespace gl {

namespace {
std::atomic<bool> g_forked_child{false};

struct ForkHandlerRegistration {
  ForkHandlerRegistration() {
    pthread_atfork(nullptr, nullptr, [] { g_forked_child.store(true); });
  }
} g_fork_handler;
}  // namespace

bool in_forked_child() { return g_forked_child.load(std::memory_order_relaxed); }

}  // namespace gl
