// Enter in a figure (its caption, or the figure or picture selected) starts a new
// paragraph after it, instead of doing nothing or running on in the caption.
// Loaded by django-prose-editor as an extension module (settings.py:
// DJANGO_PROSE_EDITOR_EXTENSIONS).
import { Extension } from "django-prose-editor/editor";

function figureEnd(selection) {
  if (selection.node && selection.node.type.name === "figure") {
    return selection.to;
  }
  const $from = selection.$from;
  for (let depth = $from.depth; depth > 0; depth--) {
    if ($from.node(depth).type.name === "figure") {
      return $from.after(depth);
    }
  }
  return null;
}

export const FigureExit = Extension.create({
  name: "FigureExit",

  addKeyboardShortcuts() {
    return {
      Enter: ({ editor }) => {
        const after = figureEnd(editor.state.selection);
        if (after === null) {
          return false;
        }
        return editor
          .chain()
          .insertContentAt(after, { type: "paragraph" })
          .setTextSelection(after + 1)
          .scrollIntoView()
          .run();
      },
    };
  },
});
