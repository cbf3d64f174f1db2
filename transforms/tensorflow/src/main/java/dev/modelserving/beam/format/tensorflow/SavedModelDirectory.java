package dev.modelserving.beam.format.tensorflow;

import dev.modelserving.beam.model.ModelLoadException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Finds the SavedModel directory in an unzipped archive: its root, or one directory down. */
final class SavedModelDirectory {
  private static final List<String> MARKERS = List.of("saved_model.pb", "saved_model.pbtxt");

  private SavedModelDirectory() {}

  static Path find(Path root) throws ModelLoadException {
    if (isSavedModel(root)) {
      return root;
    }
    List<Path> nested;
    try (Stream<Path> children = Files.list(root)) {
      nested = children.filter(Files::isDirectory).filter(SavedModelDirectory::isSavedModel)
          .sorted().collect(Collectors.toList());
    } catch (IOException e) {
      throw new ModelLoadException("cannot read the unzipped SavedModel: " + e, e);
    }
    if (nested.size() == 1) {
      return nested.get(0);
    }
    if (nested.size() > 1) {
      throw new ModelLoadException(
          "the zip archive holds several SavedModels " + names(root, nested)
              + "; zip one SavedModel directory per model");
    }
    throw new ModelLoadException(
        "the zip archive holds no saved_model.pb, at its root or one directory down; it holds "
            + entries(root) + ". Zip the SavedModel directory itself (ModelArchives.zipDirectory)");
  }

  private static boolean isSavedModel(Path dir) {
    return MARKERS.stream().anyMatch(m -> Files.isRegularFile(dir.resolve(m)));
  }

  private static String entries(Path root) {
    try (Stream<Path> walk = Files.walk(root)) {
      return TensorDescriptions.names(
          walk.filter(Files::isRegularFile).map(p -> root.relativize(p).toString()).sorted()
              .collect(Collectors.toList()));
    } catch (IOException e) {
      return "files that cannot be listed (" + e + ")";
    }
  }

  private static String names(Path root, List<Path> dirs) {
    return TensorDescriptions.names(
        dirs.stream().map(p -> root.relativize(p).toString()).collect(Collectors.toList()));
  }
}
