package org.biomarkerstreams.app.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class HtmlPageTest {

    @Test
    void shouldBeWellFormedWithTheTitleEscapedWhenParsedAsXml() throws Exception {
        Document page = parse(HtmlPage.render(TextTableTest.armsReport(false)));

        assertThat(text(page, "/html/head/title")).isEqualTo("Trial X <phase 2> & more");
        assertThat(text(page, "/html/body/h1")).isEqualTo("Trial X <phase 2> & more");
        assertThat(text(page, "/html/body/p[1]")).isEqualTo("Doe J et al., doi 10.0/x");
    }

    @Test
    void shouldPutEveryCellOfTheTableInItsRowWhenRendered() throws Exception {
        Document page = parse(HtmlPage.render(TextTableTest.armsReport(false)));

        assertThat(cells(page, "//thead/tr/th")).containsExactly("", "hUC-MSC (N=12)", "CONTROL (N=29)");
        assertThat(cells(page, "//tbody[1]/tr[1]/th")).containsExactly("CRP (mg/L)");
        assertThat(cells(page, "//tbody[1]/tr[td='BASELINE']/td"))
                .containsExactly("BASELINE", "45.2 [30.4\u201360.8] (12/12)", "50.0 [35.1\u201370.3] (29/29)");
        assertThat(cells(page, "//tbody[1]/tr[td='Time to normalization']/td"))
                .containsExactly(
                        "Time to normalization",
                        "10/12; 6.5 d (95% CI 4.0\u20139.0)",
                        "9/29; NR (95% CI 14.0\u2013NR)");
        Element logRank = (Element) XPathFactory.newInstance()
                .newXPath()
                .evaluate("//tbody[1]/tr[td='log-rank']/td[2]", page, XPathConstants.NODE);
        assertThat(logRank.getAttribute("colspan")).isEqualTo("2");
        assertThat(logRank.getTextContent()).isEqualTo("p = 0.012 (chi-square 6.29, 1 df; CONTROL vs hUC-MSC)");
        assertThat(cells(page, "//tbody[2]/tr[1]/th")).containsExactly("LYMPH (10*9/L)");
    }

    @Test
    void shouldNeedNothingFromOutsideTheFileWhenOpened() throws Exception {
        String html = HtmlPage.render(TextTableTest.armsReport(false));
        Document page = parse(html);

        NodeList outside = (NodeList) XPathFactory.newInstance()
                .newXPath()
                .evaluate("//script | //link | //img | //*[@src] | //*[@href]", page, XPathConstants.NODESET);
        assertThat(outside.getLength()).isZero();
        assertThat(text(page, "/html/head/style")).contains("border-collapse");
        assertThat(html).doesNotContain("url(", "@import");
    }

    @Test
    void shouldListTheConventionsAsNotesWhenRendered() throws Exception {
        Document page = parse(HtmlPage.render(TextTableTest.armsReport(false)));

        assertThat(cells(page, "//ol/li")).hasSize(3).anySatisfy(n -> assertThat(n)
                .contains("Hyndman-Fan type 6"));
    }

    /** The page as XML, with no DTD or external entity fetched. */
    static Document parse(String html) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        factory.setExpandEntityReferences(false);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
    }

    private static String text(Document page, String xpath) throws Exception {
        return XPathFactory.newInstance().newXPath().evaluate(xpath, page);
    }

    private static List<String> cells(Document page, String xpath) throws Exception {
        NodeList nodes = (NodeList) XPathFactory.newInstance().newXPath().evaluate(xpath, page, XPathConstants.NODESET);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            out.add(nodes.item(i).getTextContent());
        }
        return out;
    }
}
