"""Lesson 08's Python twin: the primes below a bound by trial division, in
8 chunks, sequentially, on a thread pool and on a process pool (timed with
the pool's start, and again warm). Run: python3 docs/python/08-rayon.py [BOUND]
"""
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor


def is_prime(n):
    if n < 2 or n % 2 == 0:
        return n == 2
    divisor = 3
    while divisor * divisor <= n:
        if n % divisor == 0:
            return False
        divisor += 2
    return True


def count_primes(chunk):
    start, end = chunk
    return sum(1 for n in range(start, end) if is_prime(n))


def timed(label, run, sequential=None):
    began = time.perf_counter()
    primes = run()
    took = time.perf_counter() - began
    speedup = f"{sequential / took:.2f}x" if sequential else "1.00x"
    print(f"{label:<24} {primes} primes  {took:.3f} s  {speedup}")
    return primes, took


if __name__ == "__main__":
    bound = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    size = -(-bound // 8)
    chunks = [(i, min(i + size, bound)) for i in range(0, bound, size)]
    workers = os.cpu_count()
    answer, seq = timed("sequential", lambda: sum(map(count_primes, chunks)))
    with ThreadPoolExecutor(workers) as pool:
        timed("threads", lambda: sum(pool.map(count_primes, chunks)), seq)

    def cold():
        with ProcessPoolExecutor(workers) as pool:
            return sum(pool.map(count_primes, chunks))

    timed("processes, with start", cold, seq)
    with ProcessPoolExecutor(workers) as pool:
        sum(pool.map(count_primes, chunks))  # start the workers first
        timed("processes, warm", lambda: sum(pool.map(count_primes, chunks)), seq)
