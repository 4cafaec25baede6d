package org.sparkgru.jobs;

import org.sparkgru.UserError;
import java.io.IOException;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparkgru.config.ExportFormat;
import org.sparkgru.io.AtomicFiles;
import org.sparkgru.io.HadoopFiles;
import org.sparkgru.io.Locations;
import org.sparkgru.model.GruModel;
import org.sparkgru.model.ModelStore;
import org.sparkgru.model.TorchExport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jobs/export.sh}: converts a saved model to another framework's format. Only {@code torch} for now: a
 * PyTorch {@code nn.GRU} + {@code nn.Linear} state dict in safetensors format (see {@link TorchExport}). The output
 * goes through {@link AtomicFiles#writeFile}, so a failed export leaves nothing that looks complete.
 */
@Command(name = "export.sh", mixinStandardHelpOptions = true,
        description = "Export a spark-gru model to another framework's format.")
public final class ExportJob implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model directory to read.")
    String model;

    @Option(names = "--format", required = true, paramLabel = "FORMAT",
            description = "Target format; supported: torch.")
    String format;

    @Option(names = "--output", required = true, paramLabel = "FILE", description = "File to write (.safetensors).")
    String output;

    @Option(names = "--overwrite", description = "Replace an existing output file.")
    boolean overwrite;

    public static void main(String[] args) {
        System.exit(JobRunner.run(new ExportJob(), args));
    }

    @Override
    public Integer call() throws IOException {
        ExportFormat.parse(format); // torch, the only one
        Configuration conf = new Configuration();
        Locations.requireCompleteModel(model, conf);
        GruModel m = ModelStore.load(model, conf);
        Path out = new Path(output);
        FileSystem fs = HadoopFiles.of(out, conf);
        if (fs.exists(out) && !overwrite) {
            throw new UserError("output " + out + " already exists; remove it or pass --overwrite");
        }
        AtomicFiles.writeFile(fs, out, os -> TorchExport.write(m, os));
        System.out.println("exported " + model + " (" + m.spec().variant().id() + ", " + m.spec().layers()
                + " layer(s), hidden " + m.spec().hidden() + ") to " + out + " as a PyTorch state dict");
        return 0;
    }
}
