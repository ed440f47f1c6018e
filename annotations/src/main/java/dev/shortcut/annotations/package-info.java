/**
 * The annotations a user writes to declare a network: {@link dev.shortcut.annotations.Network}
 * and {@link dev.shortcut.annotations.ResidualBlock} on classes; {@link
 * dev.shortcut.annotations.Dense}, {@link dev.shortcut.annotations.Conv}, {@link
 * dev.shortcut.annotations.BatchNorm}, the pooling layers and {@link dev.shortcut.annotations.Stack}
 * on their fields. No dependencies: the processor reads these enums, and the runtime brings this
 * artifact to users.
 */
package dev.shortcut.annotations;
