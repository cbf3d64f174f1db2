package dev.modelserving.beam.pipeline.kafka;

import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;

/**
 * Kafka cannot be used with the client's settings: it refused the credentials, denied an operation,
 * or did not answer in time. The message is one line naming the brokers, the security the client
 * used and Kafka's own reason, e.g. {@code Kafka refused the credentials at 127.0.0.1:9093
 * (SASL_PLAINTEXT/PLAIN): Authentication failed: Invalid username or password}. Thrown where the
 * application first talks to Kafka: topic creation, the model topic's start-up read, {@code
 * publish-model}, {@code status}.
 */
public final class KafkaAccessException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  private KafkaAccessException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Nothing listens at any of the brokers: {@code reasons} says what each address answered. */
  static KafkaAccessException unreachable(String action, String bootstrapServers, String reasons) {
    return new KafkaAccessException("cannot " + action + ": nothing accepts connections at " + bootstrapServers
        + " (" + reasons + "); is the broker up? For a local one: runners-config/app.sh kafka; else set"
        + " --bootstrapServers", null);
  }

  /**
   * The access problem behind {@code failure} (anywhere in its causes), as one line about {@code
   * action} ("create the topics [...]"), or null if it is some other failure.
   *
   * @param clientConfig the configuration of the client that failed: its brokers and security
   */
  public static KafkaAccessException of(String action, Map<String, ?> clientConfig, Throwable failure) {
    return explain(action, clientConfig, accessCause(failure, true));
  }

  /**
   * Like {@link #of}, for Kafka's refusals only (of the credentials, of an operation), not for
   * timeouts: null for any other failure.
   */
  public static KafkaAccessException refusal(String action, Map<String, ?> clientConfig, Throwable failure) {
    return explain(action, clientConfig, accessCause(failure, false));
  }

  private static KafkaAccessException explain(String action, Map<String, ?> clientConfig, Throwable cause) {
    if (cause == null) {
      return null;
    }
    if (cause instanceof KafkaAccessException) {
      return (KafkaAccessException) cause;
    }
    String servers = String.valueOf(clientConfig.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG));
    String security = KafkaClientConfig.security(clientConfig);
    String reason = firstLine(cause.getMessage());
    String message;
    if (cause instanceof SaslAuthenticationException) {
      message = "Kafka refused the credentials at " + servers + " (" + security + "): " + reason;
    } else if (cause instanceof SslAuthenticationException) {
      message = "the TLS handshake with Kafka at " + servers + " failed (" + security + "): " + reason
          + rootReason(cause);
    } else if (cause instanceof AuthenticationException) {
      message = "Kafka at " + servers + " did not authenticate the client (" + security + "): " + reason;
    } else if (cause instanceof AuthorizationException) {
      message = "Kafka at " + servers + " (" + security + ") does not allow the client to " + action + ": " + reason
          + " (the user needs ACLs for it)";
    } else {
      Object timeout = clientConfig.get(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG);
      message = "no answer from Kafka at " + servers + " (" + security + ") to " + action
          + (timeout == null ? "" : " within " + timeout + " ms") + ": " + reason + "; is the broker up"
          + (security.equals(CommonClientConfigs.DEFAULT_SECURITY_PROTOCOL)
              ? ", and does it need TLS or SASL? Give the client's security settings with --"
                  + KafkaClientConfig.FILE_OPTION
              : ", and do the security settings match its listener?");
    }
    return new KafkaAccessException(message, cause);
  }

  /**
   * {@link #of}, or else {@code otherwise}: for a catch block that turns every failure into an
   * exception of its own.
   */
  public static RuntimeException orElse(String action, Map<String, ?> clientConfig, Throwable failure,
      RuntimeException otherwise) {
    KafkaAccessException access = of(action, clientConfig, failure);
    return access != null ? access : otherwise;
  }

  private static Throwable accessCause(Throwable failure, boolean timeouts) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof KafkaAccessException || t instanceof AuthenticationException
          || t instanceof AuthorizationException) {
        return t;
      }
    }
    for (Throwable t = timeouts ? failure : null; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof org.apache.kafka.common.errors.TimeoutException || t instanceof TimeoutException) {
        return t;
      }
    }
    return null;
  }

  /**
   * A failure's message and its causes' on one line, each said once: Kafka's clients fail to start
   * with "Failed to construct kafka consumer" and the reason (a trust store it cannot open, a
   * bootstrap address it cannot resolve) in the causes. A {@link KafkaAccessException}'s message
   * alone: it names its cause.
   */
  public static String withCauses(Throwable e) {
    if (e instanceof KafkaAccessException) {
      return e.getMessage(); // says the cause already
    }
    StringBuilder line = new StringBuilder(firstLine(e.getMessage()));
    for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
      String reason = firstLine(t.getMessage());
      if (t.getMessage() != null && line.indexOf(reason) < 0) {
        line.append(": ").append(reason);
      }
    }
    return line.toString();
  }

  private static Throwable rootOf(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root;
  }

  private static String rootReason(Throwable e) {
    Throwable root = rootOf(e);
    return root == e ? "" : " (" + firstLine(root.getMessage()) + ")";
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "no reason given";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
