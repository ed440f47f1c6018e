package dev.shortcut.runtime.data;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What was done to the training data before the network saw it, kept so that prediction does it
 * again: the features' standardization, a regression set's targets' standardization (undone on
 * the network's outputs), and the names of the classes. It travels in a checkpoint's metadata
 * ({@link #metadata()}, {@link #fromMetadata}), so a network loaded elsewhere predicts from raw
 * data in the data's own units, as a Keras model with a {@code Normalization} layer does.
 *
 * <pre>{@code
 * Preprocessing prep = Preprocessing.fit(train);           // statistics of the training set only
 * trainer.fit(net, prep.apply(train), prep.apply(validation));
 * Checkpoints.save(net, null, file, prep.metadata());
 * // elsewhere
 * Preprocessing again = Preprocessing.fromMetadata(Checkpoints.load(net, file));
 * Predictor.of(net, again).outputs(rawSample);            // in the targets' units
 * }</pre>
 *
 * @param features the features' standardization, or null for none
 * @param targets the targets' standardization (regression), or null for none
 * @param classNames a name per class, or empty
 */
public record Preprocessing(Dataset.Standardization features, Dataset.Standardization targets,
    List<String> classNames) {

  static final String FEATURES_MEAN = "preprocessing.features.mean";
  static final String FEATURES_STD = "preprocessing.features.std";
  static final String TARGETS_MEAN = "preprocessing.targets.mean";
  static final String TARGETS_STD = "preprocessing.targets.std";
  static final String CLASSES = "preprocessing.classes";
  private static final JsonFactory JSON = new JsonFactory();

  /** Copies the class names. */
  public Preprocessing {
    classNames = List.copyOf(classNames);
  }

  /** Nothing: raw features in, raw outputs out. */
  public static Preprocessing none() {
    return new Preprocessing(null, null, List.of());
  }

  /**
   * Fits on a training set: its features' statistics, its targets' for a regression set, and its
   * class names. Apply it to every set alike ({@link #apply}), validation and test included.
   */
  public static Preprocessing fit(Dataset train) {
    return new Preprocessing(train.standardization(),
        train.isClassification() ? null : train.targetStandardization(), train.classNames());
  }

  /** Standardized features and targets, as {@link #fit} found them, with these class names. */
  public Dataset apply(Dataset data) {
    Dataset d = features == null ? data : features.apply(data);
    if (targets != null) {
      d = targets.applyToTargets(d);
    }
    if (!classNames.isEmpty() && d.isClassification() && !d.classNames().equals(classNames)) {
      d = d.withClassNames(classNames);
    }
    return d;
  }

  /** The feature standardization, if any. */
  public Optional<Dataset.Standardization> featureStandardization() {
    return Optional.ofNullable(features);
  }

  /** The target standardization, if any. */
  public Optional<Dataset.Standardization> targetStandardization() {
    return Optional.ofNullable(targets);
  }

  /**
   * Checkpoint metadata that {@link #fromMetadata} reads back exactly: each statistic as its
   * floats' shortest decimal forms, the class names as a JSON array.
   */
  public Map<String, String> metadata() {
    Map<String, String> m = new LinkedHashMap<>();
    if (features != null) {
      m.put(FEATURES_MEAN, floats(features.mean()));
      m.put(FEATURES_STD, floats(features.std()));
    }
    if (targets != null) {
      m.put(TARGETS_MEAN, floats(targets.mean()));
      m.put(TARGETS_STD, floats(targets.std()));
    }
    if (!classNames.isEmpty()) {
      StringWriter out = new StringWriter();
      try (JsonGenerator g = JSON.createGenerator(out)) {
        g.writeStartArray();
        for (String n : classNames) {
          g.writeString(n);
        }
        g.writeEndArray();
      } catch (IOException e) {
        throw new IllegalStateException("writing JSON to memory failed", e); // a StringWriter cannot fail
      }
      m.put(CLASSES, out.toString());
    }
    return m;
  }

  /**
   * What {@link #metadata()} wrote into a checkpoint; {@link #none()} for a checkpoint without it.
   *
   * @throws IllegalArgumentException when the metadata holds a damaged entry, naming it
   */
  public static Preprocessing fromMetadata(Map<String, String> metadata) {
    Objects.requireNonNull(metadata, "metadata");
    return new Preprocessing(standardization(metadata, FEATURES_MEAN, FEATURES_STD),
        standardization(metadata, TARGETS_MEAN, TARGETS_STD), names(metadata.get(CLASSES)));
  }

  private static Dataset.Standardization standardization(Map<String, String> metadata, String meanKey, String stdKey) {
    String mean = metadata.get(meanKey);
    String std = metadata.get(stdKey);
    if (mean == null && std == null) {
      return null;
    }
    if (mean == null || std == null) {
      throw new IllegalArgumentException("the metadata holds " + (mean == null ? stdKey : meanKey) + " but no "
          + (mean == null ? meanKey : stdKey));
    }
    try {
      return new Dataset.Standardization(parseFloats(meanKey, mean), parseFloats(stdKey, std));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(meanKey + " / " + stdKey + ": " + e.getMessage(), e);
    }
  }

  private static String floats(float[] values) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < values.length; i++) {
      sb.append(i == 0 ? "" : ",").append(values[i]); // Float.toString: the shortest form that reads back exactly
    }
    return sb.toString();
  }

  private static float[] parseFloats(String key, String text) {
    String[] parts = text.split(",", -1);
    float[] values = new float[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        values[i] = Float.parseFloat(parts[i].trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(key + " value " + i + " is '" + parts[i] + "', not a number", e);
      }
    }
    return values;
  }

  private static List<String> names(String json) {
    if (json == null) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    try (JsonParser p = JSON.createParser(json)) {
      if (p.nextToken() != JsonToken.START_ARRAY) {
        throw new IllegalArgumentException(CLASSES + " is not a JSON array of names: " + json);
      }
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.VALUE_STRING) {
        names.add(p.getText());
      }
      if (t != JsonToken.END_ARRAY || p.nextToken() != null) {
        throw new IllegalArgumentException(CLASSES + " is not a JSON array of names: " + json);
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(CLASSES + " is not a JSON array of names: " + json, e);
    }
    return names;
  }
}
