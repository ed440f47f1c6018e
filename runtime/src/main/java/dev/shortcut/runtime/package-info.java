/**
 * What generated networks implement ({@link dev.shortcut.runtime.Network}) and how they describe
 * themselves ({@link dev.shortcut.runtime.Architecture}). Kernels, training, data and checkpoints
 * live in the sub-packages.
 */
package dev.shortcut.runtime;
