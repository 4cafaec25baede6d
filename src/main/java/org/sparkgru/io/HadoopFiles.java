package org.sparkgru.io;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The Hadoop FileSystem for a path, as spark-gru writes its own files: the raw local file system for
 * {@code file:} paths (no {@code .crc} side files next to model files, and no change to the shared cached
 * instance Spark uses), the configured one otherwise (HDFS and S3A keep their own checksums).
 */
public final class HadoopFiles {
    private HadoopFiles() {
    }

    /** The file system of {@code path}. */
    public static FileSystem of(Path path, Configuration conf) throws IOException {
        FileSystem fs = path.getFileSystem(conf);
        return fs instanceof LocalFileSystem local ? local.getRawFileSystem() : fs;
    }
}
