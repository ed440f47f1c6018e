/**
 * The annotations a user writes to declare a network: {@link dev.shortcut.annotations.Network},
 * {@link dev.shortcut.annotations.Dense}, {@link dev.shortcut.annotations.ResidualBlock} and
 * {@link dev.shortcut.annotations.Stack}.
 */
package dev.shortcut.annotations;
