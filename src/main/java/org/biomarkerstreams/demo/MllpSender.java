package org.biomarkerstreams.demo;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.app.Connection;
import ca.uhn.hl7v2.llp.LLPException;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.parser.CanonicalModelClassFactory;
import ca.uhn.hl7v2.parser.PipeParser;
import ca.uhn.hl7v2.util.Terser;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;
import java.io.IOException;

/**
 * An MLLP client (HAPI's), as a lab system or interface engine would be: sends one message at a time
 * on one connection and returns the acknowledgment code. Used by the demo to feed its synthetic
 * cohort through the real ingest path.
 */
public final class MllpSender implements AutoCloseable {

    private final HapiContext context;
    private final Connection connection;
    private final PipeParser parser;

    private MllpSender(HapiContext context, Connection connection) {
        this.context = context;
        this.connection = connection;
        this.parser = context.getPipeParser();
    }

    public static MllpSender connect(String host, int port) throws HL7Exception {
        HapiContext context = new DefaultHapiContext(new CanonicalModelClassFactory("2.5.1"));
        context.setValidationContext(ValidationContextFactory.noValidation());
        return new MllpSender(context, context.newClient(host, port, false));
    }

    /** Sends one ER7 message and returns MSA-1 of the acknowledgment (AA, AE, AR, or CA/CE/CR). */
    public String send(String er7) throws HL7Exception, LLPException, IOException {
        Message message = parser.parse(er7.replace("\r\n", "\r").replace('\n', '\r'));
        Message ack = connection.getInitiator().sendAndReceive(message);
        return new Terser(ack).get("/MSA-1");
    }

    @Override
    public void close() throws IOException {
        connection.close();
        context.close();
    }
}
