package dev.modelserving.beam.benchmarks.report;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The Markdown, CSV and SVG writers say what the results say. */
class ReportWritersTest {

  private static Report report() {
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("cores (available to the JVM)", "2");
    facts.put("JVM", "Test VM 17");
    List<BenchmarkResult> results = Ratios.apply(List.of(
        BenchmarkResult.of(Suites.RAW, "JPMML evaluate", "tree", 1, 812_345.6, 800_000, 820_000, true,
            "median of 5 iterations"),
        BenchmarkResult.of(Suites.NATIVE_FLINK, "keyed co-process", "tree", 1, 200_000, 190_000, 210_000, false,
            "N1=1,000,000, N2=4,000,000, median of 3"),
        BenchmarkResult.of(Suites.RAW, "Session.run batch 1", "mlp", 1, 20_000, Double.NaN, Double.NaN, true,
            "a \"quoted\" note"),
        BenchmarkResult.of(Suites.NATIVE_FLINK, "keyed co-process", "mlp", 1, Double.NaN, Double.NaN, Double.NaN,
            false, "not measurable | pipes")));
    List<Measurement> runs = List.of(
        new Measurement(Suites.NATIVE_FLINK, "keyed co-process", "tree", 1, 1_000_000, 1_000_000, 6.5),
        new Measurement(Suites.NATIVE_FLINK, "keyed co-process", "tree", 1, 4_000_000, 4_000_000, 21.25));
    List<LatencyResult> latencies = List.of(
        LatencyResult.of(Suites.LATENCY, "ServeModels keyed, 50% load", "tree", 2, 100_000, 99_500,
            new LatencySummary(1_492_000, 4.2, 12.34, 25.6, 80.1), "a, note"),
        LatencyResult.of(Suites.SWAP, "keyed, tree (fast load): publish → first record of the new model", "tree", 2,
            50_000, Double.NaN, new LatencySummary(20, 60, 95, Double.NaN, 97), ""));
    List<HeapResult> heap = List.of(
        new HeapResult("pipeline running, no models yet", 61.9, 0, "keyed"),
        new HeapResult("per model", 0.1364, -1, "difference / 200"));
    List<TargetStatus> targets = List.of(
        TargetStatus.judged("In process: p99 <= 20 ms at 50% load", "tree keyed: 12.3 ms", true),
        TargetStatus.notMeasured("End to end: >= 60,000 records/s", "not measured in this run: needs kafka-e2e"));
    return new Report("benchmarks/run.sh --models=tree,mlp", "busy machine: figures are a smoke test",
        new MachineFacts(facts), List.of("workload: 1024 red wines"), results, runs, latencies, heap, targets);
  }

  @Test
  void markdownHasTheCommandTheMachineAndATablePerModel() {
    String md = MarkdownReport.render(report());
    assertThat(md, containsString("```bash\nbenchmarks/run.sh --models=tree,mlp\n```"));
    assertThat(md, containsString("> **Note:** busy machine: figures are a smoke test"));
    assertThat(md, containsString("| cores (available to the JVM) | 2 |"));
    assertThat(md, containsString("- workload: 1024 red wines"));
    assertThat(md, containsString("### tree\n"));
    assertThat(md, containsString("### mlp\n"));
    assertThat(md, containsString(
        "| native-flink | keyed co-process | 1 | 200,000 | 190,000 – 210,000 | 0.246× | 1.00× |"
            + " N1=1,000,000, N2=4,000,000, median of 3 |"));
    assertThat(md, containsString("| raw | JPMML evaluate (baseline) | 1 | 812,000 | 800,000 – 820,000 | 1.00× | 4.06× |"));
    assertThat("a missing figure is n/a, pipes are escaped", md,
        containsString("| native-flink | keyed co-process | 1 | n/a |  | – | – | not measurable \\| pipes |"));
    assertThat(md, containsString("| native-flink | keyed co-process | tree | 1 | 4,000,000 | 4,000,000 | 21.250 | 188,000 |"));
    assertThat(md, containsString("![records per second by model](benchmarks.svg)"));
    assertThat(md, containsString("| In process: p99 <= 20 ms at 50% load | tree keyed: 12.3 ms | **met** |"));
    assertThat(md, containsString("| End to end: >= 60,000 records/s | not measured in this run: needs kafka-e2e |"
        + " not measured |"));
    assertThat(md, containsString("| latency | ServeModels keyed, 50% load | tree | 2 | 100,000 | 99,500 | 1,492,000"
        + " | 4.20 | 12.3 | 25.6 | 80.1 | a, note |"));
    assertThat("missing figures are blank", md, containsString(
        "| swap | keyed, tree (fast load): publish → first record of the new model | tree | 2 | 50,000 |  | 20 | 60.0 |"
            + " 95.0 |  | 97.0 |  |"));
    assertThat(md, containsString("| pipeline running, no models yet | 61.9 | 0 | keyed |"));
    assertThat(md, containsString("| per model | 0.136 |  | difference / 200 |"));
    assertThat(md, containsString("prepares every input from the record's raw value"));
  }

  @Test
  void csvHasOneLinePerFigureWithPlainNumbersAndQuotedText() {
    String[] lines = CsvReport.render(report()).split("\n");
    assertThat(lines.length, equalTo(9));
    assertThat(lines[0], equalTo(CsvReport.HEADER));
    assertThat(lines[1], equalTo(
        "throughput,raw,JPMML evaluate,tree,1,812345.6000,800000,820000,true,1,4.0617,,,,,,,,,,,,,,,,,,median of 5 iterations"));
    assertThat(lines[2], equalTo("throughput,native-flink,keyed co-process,tree,1,200000,190000,210000,false,0.2462,1,"
        + ",,,,,,,,,,,,,,,,,\"N1=1,000,000, N2=4,000,000, median of 3\""));
    assertThat(lines[3], equalTo("throughput,raw,Session.run batch 1,mlp,1,20000,,,true,1,,,,,,,,,,,,,,,,,,,\"a \"\"quoted\"\" note\""));
    assertThat(lines[4], containsString("throughput,native-flink,keyed co-process,mlp,1,,,,false,,,"));
    assertThat(lines[5], equalTo("latency,latency,\"ServeModels keyed, 50% load\",tree,2,,,,,,,100000,99500,1492000,"
        + "4.2000,12.3400,25.6000,80.1000,,,,,,,,,,,\"a, note\""));
    assertThat(lines[7], equalTo("heap,heap,\"pipeline running, no models yet\",,,,,,,,,,,,,,,,61.9000,0,,,,,,,,,keyed"));
    assertThat(lines[8], equalTo("heap,heap,per model,,,,,,,,,,,,,,,,0.1364,,,,,,,,,,difference / 200"));
    for (String line : lines) {
      assertThat("every line has the header's 29 fields: " + line,
          line.replaceAll("\"[^\"]*\"", "q").split(",", -1).length, equalTo(CsvReport.COLUMNS.size()));
    }
  }

  @Test
  void svgIsWellFormedWithOneBarPerFigureScaledWithinItsModel() throws Exception {
    String svg = SvgChart.render(report());
    Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    assertThat(doc.getDocumentElement().getTagName(), equalTo("svg"));
    NodeList rects = doc.getElementsByTagName("rect");
    List<Element> bars = new ArrayList<>();
    for (int i = 0; i < rects.getLength(); i++) {
      Element r = (Element) rects.item(i);
      if ("bar".equals(r.getAttribute("class"))) {
        bars.add(r);
      }
    }
    assertThat(bars, hasSize(4));
    double full = SvgChart.WIDTH - SvgChart.LABEL_WIDTH - SvgChart.VALUE_WIDTH - 20;
    double rawTree = Double.parseDouble(bars.get(0).getAttribute("width"));
    double nativeTree = Double.parseDouble(bars.get(1).getAttribute("width"));
    double rawMlp = Double.parseDouble(bars.get(2).getAttribute("width"));
    double missing = Double.parseDouble(bars.get(3).getAttribute("width"));
    assertThat("the fastest of a model fills the panel", rawTree, closeTo(full, 0.05));
    assertThat(nativeTree, closeTo(full * 200_000 / 812_345.6, 0.05));
    assertThat("each model has its own scale", rawMlp, closeTo(full, 0.05));
    assertThat(missing, equalTo(0.0));
    assertThat(svg, containsString("raw: JPMML evaluate · p=1"));
    assertThat(svg, containsString("812k"));
    assertThat(svg, not(containsString("NaN")));
    int latencyBars = 0;
    for (int i = 0; i < rects.getLength(); i++) {
      if ("latency-bar".equals(((Element) rects.item(i)).getAttribute("class"))) {
        latencyBars++;
      }
    }
    assertThat("p99.9, p99 and p50 of the first latency row, p99 and p50 of the second", latencyBars, equalTo(5));
    assertThat(svg, containsString("4.20 / 12.3 / 25.6"));
  }

  @Test
  void writesTheThreeFiles(@TempDir Path dir) throws Exception {
    Path md = report().writeTo(dir.resolve("docs"));
    assertThat(md.getFileName().toString(), equalTo(Report.MARKDOWN));
    assertThat(Files.readString(dir.resolve("docs").resolve(Report.CSV)), containsString(CsvReport.HEADER));
    assertThat(Files.readString(dir.resolve("docs").resolve(Report.SVG)), containsString("<svg"));
  }

  @Test
  void ratesAreRoundedToThreeSignificantDigits() {
    assertThat(Format.rate(1_234_567), equalTo("1,230,000"));
    assertThat(Format.rate(45_678), equalTo("45,700"));
    assertThat(Format.rate(45.678), equalTo("45.7"));
    assertThat(Format.rate(Double.NaN), equalTo("n/a"));
    assertThat(Format.shortRate(6_059_675), equalTo("6.06M"));
    assertThat(Format.shortRate(11_793), equalTo("11.8k"));
    assertThat(Format.ratio(0.0123), equalTo("0.012×"));
    assertThat(Format.ratio(12.3), equalTo("12×"));
  }
}
