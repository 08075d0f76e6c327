import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

// DynamoDB Local bound to the loopback interface only. Its own main (java -jar DynamoDBLocal.jar)
// has no option for the address: its Jetty server listens on every interface, so anyone on the
// network could read and write the local table. This starts the same server the same way, with
// ServerRunner.createServerFromCommandLineArgs (DynamoDB Local's documented embedded entry; it
// takes the jar's own options: -port, -dbPath, -inMemory, -sharedDb), and sets the address of
// its one Jetty connector to 127.0.0.1 before it starts. Telemetry is never configured here
// (the jar's main does that), so nothing is sent anywhere either.
// Started by infra/local/dynamodb-local.ts, which compiles it once.

public class DynamoDbLocalOnLoopback {
  public static void main(String[] args) throws Exception {
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server server = (Server) field.get(proxy);
    Connector[] connectors = server.getConnectors();
    if (connectors.length == 0) throw new IllegalStateException("DynamoDB Local's server has no connector");
    for (Connector connector : connectors) {
      if (!(connector instanceof ServerConnector)) {
        throw new IllegalStateException("DynamoDB Local's connector is a " + connector.getClass().getName()
            + ", which this launcher cannot bind to the loopback interface");
      }
      ((ServerConnector) connector).setHost("127.0.0.1");
    }
    proxy.start();
  }
}
