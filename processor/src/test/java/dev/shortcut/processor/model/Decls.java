package dev.shortcut.processor.model;

import dev.shortcut.annotations.Activation;
import dev.shortcut.annotations.Bias;
import dev.shortcut.annotations.Conv;
import dev.shortcut.annotations.Init;
import dev.shortcut.annotations.Loss;
import dev.shortcut.annotations.Precision;
import dev.shortcut.annotations.Shortcut;
import dev.shortcut.annotations.Variant;
import dev.shortcut.processor.diagnostics.Origin;
import dev.shortcut.processor.model.Declarations.BlockDecl;
import dev.shortcut.processor.model.Declarations.ConvDecl;
import dev.shortcut.processor.model.Declarations.DenseDecl;
import dev.shortcut.processor.model.Declarations.GlobalPoolDecl;
import dev.shortcut.processor.model.Declarations.Member;
import dev.shortcut.processor.model.Declarations.NetworkDecl;
import dev.shortcut.processor.model.Declarations.NormDecl;
import dev.shortcut.processor.model.Declarations.StackDecl;
import java.util.ArrayList;
import java.util.List;

/** Declarations built in plain Java, as the reader would produce them, for tests without javac. */
public final class Decls {
  static final Origin O = Origin.NOWHERE;

  public static DenseDecl dense(String name, int units, Activation activation) {
    return new DenseDecl(name, units, activation, Init.AUTO, O, O, O);
  }

  public static ConvDecl conv(String name, int filters, int kernel, int stride) {
    return new ConvDecl(name, filters, 1, kernel, stride, Conv.SAME, Bias.AUTO, Activation.RELU, Init.AUTO, O,
        new ConvDecl.Origins(O, O, O, O, O, O, O));
  }

  public static NormDecl norm(String name) {
    return new NormDecl(name, O);
  }

  public static BlockDecl block(Shortcut shortcut, List<Member> members) {
    return new BlockDecl("m.B", "B", shortcut, Shortcut.AUTO, "shortcut", true, members, true, O, O, O);
  }

  public static BlockDecl denseBlock(Shortcut shortcut, int... widths) {
    List<Member> layers = new ArrayList<>();
    for (int i = 0; i < widths.length; i++) {
      layers.add(dense("fc" + (i + 1), widths[i], Activation.RELU));
    }
    return block(shortcut, layers);
  }

  public static StackDecl stack(String name, BlockDecl block, List<Integer> repeats, int filters, int stride) {
    return new StackDecl(name, block, repeats, filters, stride, O, O, O, O);
  }

  public static NetworkDecl network(String name, int inputs, int[] image, int outputs, List<Variant> variants,
      Shortcut reshape, List<Member> members) {
    return new NetworkDecl("m", "m." + name, name, name, inputs, image[0], image[1], image[2], outputs,
        Loss.SOFTMAX_CROSS_ENTROPY, Precision.FLOAT, variants, reshape, members, true, O,
        new NetworkDecl.Origins(O, O, O, O, O, O, O, O, O));
  }

  public static NetworkDecl lecture(BlockDecl block, List<Integer> repeats, List<Variant> variants, int outputs) {
    return network("Lecture", 784, new int[3], outputs, variants, Shortcut.PROJECTION,
        List.of(dense("stem", 64, Activation.RELU), stack("body", block, repeats, 0, 1),
            dense("head", 10, Activation.NONE)));
  }

  /** The paper's CIFAR family: 6n + 2 layers, option-A shortcuts, batch normalization. */
  public static NetworkDecl cifar(List<Integer> n, Shortcut reshape) {
    BlockDecl basic = block(Shortcut.AUTO, List.of(conv("conv1", Conv.STACK, 3, Conv.STACK), norm("bn1"),
        conv("conv2", Conv.STACK, 3, 1), norm("bn2")));
    return network("Cifar", 0, new int[] {3, 32, 32}, 10, List.of(Variant.RESIDUAL, Variant.PLAIN), reshape,
        List.of(conv("conv1", 16, 3, 1), norm("bn1"), stack("layer1", basic, n, 16, 1),
            stack("layer2", basic, n, 32, 2), stack("layer3", basic, n, 64, 2),
            new GlobalPoolDecl("avgpool", O), dense("fc", 10, Activation.NONE)));
  }

  private Decls() {}
}
