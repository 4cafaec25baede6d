package org.sparkgru.io;

import java.io.IOException;
import org.apache.hadoop.fs.CommonPathCapabilities;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparkgru.UserError;

/**
 * What spark-gru does differently on an object store such as S3 ({@code s3a://}): there a rename is a copy of every
 * object followed by a delete, neither atomic nor cheap, while a file written through an output stream appears whole
 * when the stream closes and not at all when it is aborted. A Hadoop FileSystem says so with the abortable-stream
 * path capability, which S3A has and HDFS and the local file system (atomic renames) do not. Also the one-line form of
 * the store's access errors, found by class name so that nothing here needs {@code hadoop-aws} on the class path.
 */
public final class ObjectStores {
    /** The settings that give S3A credentials, for messages. */
    static final String CREDENTIALS = "spark.hadoop.fs.s3a.access.key and spark.hadoop.fs.s3a.secret.key (or the"
            + " environment variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), or name a credential provider in"
            + " spark.hadoop.fs.s3a.aws.credentials.provider";

    private ObjectStores() {
    }

    /** Whether {@code path} is on an object store: streams that publish on close, renames that copy. */
    public static boolean is(FileSystem fs, Path path) throws IOException {
        return fs.hasPathCapability(path, CommonPathCapabilities.ABORTABLE_STREAM);
    }

    /**
     * The {@link UserError} for a failure to reach {@code path} (named by {@code option}) on an object store: no
     * credentials, a bucket that does not exist, access denied; null when {@code e} is another failure.
     */
    static UserError explain(String option, String path, IOException e) {
        String bucket = new Path(path).toUri().getHost();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (isA(t, "org.apache.hadoop.fs.s3a.auth.NoAuthWithAWSException")) {
                return new UserError(option + " " + path + ": no AWS credentials were found for bucket '" + bucket
                        + "'; set " + CREDENTIALS);
            }
            if (isA(t, "org.apache.hadoop.fs.s3a.UnknownStoreException")) {
                return new UserError(option + " " + path + ": bucket '" + bucket + "' does not exist; create it, or"
                        + " correct the bucket name or the endpoint (spark.hadoop.fs.s3a.endpoint)");
            }
        }
        if (e instanceof java.nio.file.AccessDeniedException && causedBy(e, "software.amazon.awssdk.")) {
            return new UserError(option + " " + path + ": access to bucket '" + bucket + "' was denied; check the"
                    + " credentials (" + CREDENTIALS + ") and the bucket's permissions");
        }
        return null;
    }

    /** Whether {@code t}'s class or one of its superclasses is {@code name}. */
    private static boolean isA(Throwable t, String name) {
        for (Class<?> c = t.getClass(); c != null; c = c.getSuperclass()) {
            if (c.getName().equals(name)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a cause of {@code e} has a class in package {@code prefix}. */
    private static boolean causedBy(Throwable e, String prefix) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getClass().getName().startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
