/**
 * Sweeps: a grid of cells (network, seed, further settings), each trained once and written under a
 * stable id, run in this JVM, as one slice of a batch job ({@link dev.shortcut.runtime.sweep.Shard})
 * or on Spark ({@code shortcut-spark}), with the same results whichever ran it.
 */
package dev.shortcut.runtime.sweep;
