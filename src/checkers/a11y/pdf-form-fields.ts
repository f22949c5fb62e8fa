/**
 * The fillable fields of a PDF form that a screen reader cannot name. A field's tooltip
 * (`/TU`) is the name assistive technology announces; without it a blind citizen hears
 * "text field" and nothing else. PDF/UA-1 (7.18.4) asks for it unless every widget of the
 * field has a text alternative (`/Alt`) on its structure element.
 */
import { PDFArray, PDFDict, PDFName, PDFNumber, type PDFDocument, type PDFObject } from 'pdf-lib';
import { pdfText } from './pdf-text.ts';

/** Nesting of a number tree that is followed; real files need two or three levels. */
const MAX_TREE_DEPTH = 16;

function hasText(object: PDFObject | undefined): boolean {
  return !!pdfText(object)?.trim();
}

/** The value for `key` in a number tree (the structure tree's ParentTree). */
function numberTreeValue(
  doc: PDFDocument,
  node: PDFDict | undefined,
  key: number,
  depth = 0,
): PDFObject | undefined {
  if (!node || depth > MAX_TREE_DEPTH) return undefined;
  const nums = node.lookupMaybe(PDFName.of('Nums'), PDFArray);
  for (let i = 0; nums && i + 1 < nums.size(); i += 2) {
    const k = nums.lookup(i);
    if (k instanceof PDFNumber && k.asNumber() === key) return doc.context.lookup(nums.get(i + 1));
  }
  const kids = node.lookupMaybe(PDFName.of('Kids'), PDFArray);
  for (let i = 0; kids && i < kids.size(); i++) {
    const kid = kids.lookup(i);
    if (!(kid instanceof PDFDict)) continue;
    const limits = kid.lookupMaybe(PDFName.of('Limits'), PDFArray);
    const [low, high] = [limits?.lookup(0), limits?.lookup(1)];
    if (
      low instanceof PDFNumber &&
      high instanceof PDFNumber &&
      (key < low.asNumber() || key > high.asNumber())
    ) {
      continue;
    }
    const found = numberTreeValue(doc, kid, key, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** Names (partial names) of the form fields without an accessible name, in form order. */
export function unnamedFormFields(doc: PDFDocument): string[] {
  const parentTree = doc.catalog
    .lookupMaybe(PDFName.of('StructTreeRoot'), PDFDict)
    ?.lookupMaybe(PDFName.of('ParentTree'), PDFDict);
  const widgetHasAlt = (widget: PDFDict): boolean => {
    const key = widget.get(PDFName.of('StructParent'));
    if (!(key instanceof PDFNumber)) return false;
    const element = numberTreeValue(doc, parentTree, key.asNumber());
    return element instanceof PDFDict && hasText(element.get(PDFName.of('Alt')));
  };
  const unnamed: string[] = [];
  for (const field of doc.getForm().getFields()) {
    const acro = field.acroField;
    if (hasText(acro.dict.get(PDFName.of('TU')))) continue;
    const widgets = acro.getWidgets();
    if (widgets.length > 0 && widgets.every((w) => widgetHasAlt(w.dict))) continue;
    unnamed.push(acro.getPartialName() ?? '(no name)');
  }
  return unnamed;
}
