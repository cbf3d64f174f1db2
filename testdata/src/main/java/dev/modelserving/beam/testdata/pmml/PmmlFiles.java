package dev.modelserving.beam.testdata.pmml;

import jakarta.xml.bind.JAXBException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.dmg.pmml.Application;
import org.dmg.pmml.DataDictionary;
import org.dmg.pmml.Header;
import org.dmg.pmml.Model;
import org.dmg.pmml.PMML;
import org.dmg.pmml.Version;
import org.jpmml.model.metro.MetroJAXBSerializer;

/** Wraps a model in a PMML document and writes it reproducibly (no timestamp). */
final class PmmlFiles {
  private PmmlFiles() {}

  static PMML document(String description, DataDictionary dictionary, Model model) {
    Header header =
        new Header()
            .setDescription(description)
            .setApplication(new Application("model-serving-beam testdata").setVersion("1"));
    return new PMML(Version.PMML_4_4.getVersion(), header, dictionary).addModels(model);
  }

  static void write(PMML pmml, Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try (OutputStream out = Files.newOutputStream(file)) {
      new MetroJAXBSerializer().serializePretty(pmml, out);
    } catch (JAXBException e) {
      throw new IOException("cannot write PMML to " + file + ": " + e, e);
    }
  }
}
