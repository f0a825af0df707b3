// A per-thread cache of freed memory blocks of one size, and an allocator over it for
// std::allocate_shared.
//
// A select() rebuilt per call allocates its SelectData and two expression nodes and frees them a
// moment later. glibc's malloc + free cost ~140 instructions a pair; popping and pushing on the
// thread's own list costs ~15. Every block comes from operator new, so a block freed on another
// thread than the one that took it simply joins that thread's list.
//
// Under AddressSanitizer blocks go straight to operator new / delete, so that a use after free
// is still caught.
#pragma once

#include <cstddef>
#include <memory>
#include <new>
#include <utility>

namespace athanor::detail {

template <std::size_t Size>
class BlockPool {
  static_assert(Size >= sizeof(void*) && Size % alignof(std::max_align_t) == 0);

 public:
  static void* take() {
#ifndef __SANITIZE_ADDRESS__
    List& l = list;
    if (Block* b = l.head) {
      l.head = b->next;
      --l.count;
      return b;
    }
#endif
    return ::operator new(Size);
  }

  static void give(void* p) noexcept {
#ifndef __SANITIZE_ADDRESS__
    List& l = list;
    if (l.state == State::fresh) open_list();
    if (l.state == State::open && l.count < keep) {
      l.head = ::new (p) Block{l.head};
      ++l.count;
      return;
    }
#endif
    ::operator delete(p, Size);
  }

 private:
  struct Block {
    Block* next;
  };
  enum class State : unsigned char { fresh, open, closed };
  struct List {
    Block* head;
    unsigned count;
    State state;
  };
  // Enough for the statements a thread keeps in flight; more goes back to the heap.
  static constexpr unsigned keep = 256;

  // Trivially destructible, so reaching it needs no guard: the list stays usable while the
  // thread's other thread_local objects are destroyed, and after its own Drain has run (closed)
  // frees go straight to the heap.
  static inline thread_local constinit List list{};

  struct Drain {
    ~Drain() {
      List& l = list;
      l.state = State::closed;
      while (Block* b = l.head) {
        l.head = b->next;
        ::operator delete(b, Size);
      }
      l.count = 0;
    }
  };
  // The first free on a thread registers the drain that returns its list at thread exit.
  static void open_list() noexcept {
    static thread_local Drain drain;
    (void)drain;
    list.state = State::open;
  }
};

// Allocates single objects of T from the BlockPool of T's size class (multiples of 16 bytes).
template <typename T>
struct PoolAllocator {
  using value_type = T;
  static constexpr std::size_t block_size = (sizeof(T) + alignof(std::max_align_t) - 1) /
                                            alignof(std::max_align_t) * alignof(std::max_align_t);

  PoolAllocator() noexcept = default;
  template <typename U>
  PoolAllocator(const PoolAllocator<U>&) noexcept {}  // NOLINT: rebinding is implicit

  T* allocate(std::size_t n) {
    if (n != 1) return std::allocator<T>().allocate(n);
    return static_cast<T*>(BlockPool<block_size>::take());
  }
  void deallocate(T* p, std::size_t n) noexcept {
    if (n != 1) return std::allocator<T>().deallocate(p, n);
    BlockPool<block_size>::give(p);
  }
  // Default-initialises where std::allocator would value-initialise: for a struct whose members
  // all have initializers that first zeroes the whole object (hundreds of bytes for a SelectData)
  // only for the initializers to write the same fields again.
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    if constexpr (sizeof...(Args) == 0) {
      ::new (static_cast<void*>(p)) U;
    } else {
      ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
    }
  }
  template <typename U>
  bool operator==(const PoolAllocator<U>&) const noexcept {
    return true;
  }
};

// std::make_shared for objects built and dropped at a high rate (expression trees).
template <typename T, typename... Args>
std::shared_ptr<T> make_pooled(Args&&... args) {
  return std::allocate_shared<T>(PoolAllocator<T>(), std::forward<Args>(args)...);
}

}  // namespace athanor::detail
