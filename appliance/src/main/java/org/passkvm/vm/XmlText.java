package org.passkvm.vm;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/**
 * Reads libvirt XML into a DOM (no DTDs, no external entities) and writes it back in one stable
 * layout: two-space indent, one element per line, single-quoted attributes as libvirt writes them.
 * Before and after of a change go through the same writer, so a diff shows only what changed.
 */
final class XmlText {

    /**
     * The DOM forgets attribute order; this puts the ones libvirt writes first in its order, so a
     * diff reads like {@code virsh dumpxml}: {@code <hostdev mode type managed>}, {@code <address domain bus slot function>}.
     */
    private static final List<String> FIRST = List.of("mode", "type", "model", "managed", "domain", "bus", "slot", "function");
    private static final Comparator<Node> ATTRIBUTE_ORDER = Comparator
            .comparingInt((Node a) -> FIRST.contains(a.getNodeName()) ? FIRST.indexOf(a.getNodeName()) : FIRST.size())
            .thenComparing(Node::getNodeName);

    private XmlText() {}

    static Document parse(String xml) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setExpandEntityReferences(false);
            return f.newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
        } catch (ParserConfigurationException | SAXException | IOException e) {
            throw new VmHostException(VmHostException.Kind.INVALID, "unreadable XML from the VM host: " + e.getMessage());
        }
    }

    static String write(Document doc) {
        StringBuilder out = new StringBuilder();
        write(doc.getDocumentElement(), 0, out);
        return out.toString();
    }

    /** The element's child elements, in document order. */
    static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && (name == null || e.getTagName().equals(name))) {
                out.add(e);
            }
        }
        return out;
    }

    static Element child(Element parent, String name) {
        List<Element> c = children(parent, name);
        return c.isEmpty() ? null : c.get(0);
    }

    static String text(Element parent, String name) {
        Element c = parent == null ? null : child(parent, name);
        return c == null ? null : c.getTextContent().trim();
    }

    private static void write(Element e, int depth, StringBuilder out) {
        out.append("  ".repeat(depth)).append('<').append(e.getTagName());
        NamedNodeMap attrs = e.getAttributes();
        List<Node> sorted = new ArrayList<>();
        for (int i = 0; i < attrs.getLength(); i++) {
            sorted.add(attrs.item(i));
        }
        sorted.sort(ATTRIBUTE_ORDER);
        for (Node a : sorted) {
            out.append(' ').append(a.getNodeName()).append("='").append(escape(a.getNodeValue(), true)).append('\'');
        }
        List<Element> kids = children(e, null);
        String text = kids.isEmpty() ? e.getTextContent().trim() : "";
        if (kids.isEmpty() && text.isEmpty()) {
            out.append("/>\n");
        } else if (kids.isEmpty()) {
            out.append('>').append(escape(text, false)).append("</").append(e.getTagName()).append(">\n");
        } else {
            out.append(">\n");
            for (Element k : kids) {
                write(k, depth + 1, out);
            }
            out.append("  ".repeat(depth)).append("</").append(e.getTagName()).append(">\n");
        }
    }

    /** Text made safe for an attribute value or element content. */
    static String escape(String s) {
        return escape(s, true);
    }

    private static String escape(String s, boolean attribute) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '\'' -> b.append(attribute ? "&apos;" : "'");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
