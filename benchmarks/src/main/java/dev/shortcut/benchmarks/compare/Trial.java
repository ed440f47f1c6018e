package dev.shortcut.benchmarks.compare;

import java.util.Map;

/**
 * One timed section of one side.
 *
 * @param perSecond samples per second (batch × steps / wall time)
 * @param coresUsed the process's CPU time over the wall time: the cores it really kept busy
 * @param steps steps timed
 * @param threadsInForce the thread counts the side reported while timed, by library
 */
record Trial(double perSecond, double coresUsed, long steps, Map<String, Long> threadsInForce) {}
