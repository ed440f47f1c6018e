package dev.shortcut.runtime.checkpoint;

import dev.shortcut.runtime.Network;
import java.util.ArrayList;
import java.util.List;

/**
 * A network's parameters and running statistics as the tensors of PyTorch's {@code state_dict}:
 * the names, shapes, layouts and dtypes ({@code F32}, or {@code F64} for a double network) that a
 * checkpoint holds, for formats that carry the same weights elsewhere (the ONNX export's
 * initializers). The batch counters, which no inference needs, are left out.
 */
public final class StateTensors {
  private StateTensors() {}

  /**
   * Every parameter, then every batch-normalization buffer, in forward order, converted to
   * PyTorch's layouts exactly as {@link Checkpoints#save} converts them.
   *
   * @throws IllegalArgumentException naming the tensor and the element when a value is a NaN or
   *     an infinity, or a running variance is negative
   */
  public static List<SafeTensors.Tensor> of(Network net) {
    List<SafeTensors.Tensor> tensors = new ArrayList<>();
    for (StateDict.Entry e : StateDict.network(net)) {
      if (e instanceof StateDict.Floating f) {
        String broken = f.checkNetwork();
        if (broken != null) {
          throw new IllegalArgumentException(net.name() + ": " + broken);
        }
        tensors.add(f.toTensor());
      }
    }
    return tensors;
  }
}
