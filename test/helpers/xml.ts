// A strict little XML reader for tests (well-formedness: one root, matched tags, quoted attributes,
// only the five predefined entities and character references, no stray < or &). Enough to parse
// the Atom feed back without a dependency.
export interface XmlElement {
  readonly name: string;
  readonly attrs: Record<string, string>;
  readonly children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decode(s: string, where: number): string {
  if (/<|&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(s))
    throw new Error(`malformed character data near offset ${where}: ${JSON.stringify(s.slice(0, 40))}`);
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x08\x0b\x0c\x0e-\x1f]/.test(s)) throw new Error(`control character in XML near offset ${where}`);
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (_, e: string) =>
    e.startsWith("#x")
      ? String.fromCodePoint(parseInt(e.slice(2), 16))
      : e.startsWith("#")
        ? String.fromCodePoint(Number(e.slice(1)))
        : (ENTITIES[e] as string),
  );
}

export function parseXml(xml: string): XmlElement {
  let i = 0;
  const ws = () => {
    while (i < xml.length && /\s/.test(xml[i] as string)) i++;
  };
  if (xml.startsWith("<?xml")) {
    const end = xml.indexOf("?>");
    if (end < 0) throw new Error("unterminated XML declaration");
    i = end + 2;
  }
  ws();
  const element = (): XmlElement => {
    const open = /^<([A-Za-z_][\w.:-]*)/.exec(xml.slice(i));
    if (!open) throw new Error(`expected an element at offset ${i}`);
    i += open[0].length;
    const el: XmlElement = { name: open[1] as string, attrs: {}, children: [], text: "" };
    for (;;) {
      ws();
      if (xml.startsWith("/>", i)) {
        i += 2;
        return el;
      }
      if (xml[i] === ">") {
        i++;
        break;
      }
      const a = /^([A-Za-z_][\w.:-]*)\s*=\s*("([^"]*)"|'([^']*)')/.exec(xml.slice(i));
      if (!a) throw new Error(`malformed attribute at offset ${i}`);
      if ((a[1] as string) in el.attrs) throw new Error(`duplicate attribute ${a[1]}`);
      el.attrs[a[1] as string] = decode(a[3] ?? a[4] ?? "", i);
      i += a[0].length;
    }
    for (;;) {
      const lt = xml.indexOf("<", i);
      if (lt < 0) throw new Error(`unclosed <${el.name}>`);
      el.text += decode(xml.slice(i, lt), i);
      i = lt;
      if (xml.startsWith("</", i)) {
        const close = /^<\/([A-Za-z_][\w.:-]*)\s*>/.exec(xml.slice(i));
        if (!close || close[1] !== el.name) throw new Error(`</${close?.[1]}> closes <${el.name}> at offset ${i}`);
        i += close[0].length;
        return el;
      }
      el.children.push(element());
    }
  };
  const root = element();
  ws();
  if (i !== xml.length) throw new Error(`content after the root element at offset ${i}`);
  return root;
}

export const child = (el: XmlElement, name: string) => el.children.find((c) => c.name === name);
export const childrenNamed = (el: XmlElement, name: string) => el.children.filter((c) => c.name === name);
