// The test binary replaces the global operator new with one that counts its calls, to prove hot
// paths allocate nothing. The replacement is defined once, in dialects/sqlite/driver_test.cpp
// (a second definition would not link); include this header to read the count.
#pragma once

#include <atomic>

namespace athanor::testing {
extern std::atomic<long> g_allocations;
}  // namespace athanor::testing
