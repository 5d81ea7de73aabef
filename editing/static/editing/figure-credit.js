// A figure's own credit. The library's credit is shown under every figure of an
// image (statements/figures.py); an editor may write another one for one figure,
// kept on its picture as data-credit (empty: the library's is shown).
//
// django-prose-editor's Figure dialog asks for the address, alt text and caption
// only. This extension gives pictures the credit attribute and replaces the
// dialog's command (editImage, which the Figure button runs) with the same
// dialog plus a Credit field, filled in from the library when an image is
// chosen with "Browse..." (editing/picker.py hands over its credit). It has a
// lower priority than Figure, so its command is the one the editor runs.
// Loaded by django-prose-editor as an extension module (settings.py:
// DJANGO_PROSE_EDITOR_EXTENSIONS).
import {
  Extension,
  canInsertNode,
  gettext,
  updateAttrsDialog,
} from "django-prose-editor/editor";

// The picker window calls back through CKEditor's API, as the package's own
// Figure dialog does; these numbers are this module's own.
let callbackNumber = -100000;
const callbacks = new Map();
let shimInstalled = false;

function installShim() {
  if (shimInstalled) return;
  shimInstalled = true;
  window.CKEDITOR = window.CKEDITOR || {};
  window.CKEDITOR.tools = window.CKEDITOR.tools || {};
  const original = window.CKEDITOR.tools.callFunction;
  window.CKEDITOR.tools.callFunction = (n, ...args) => {
    original?.call(window.CKEDITOR.tools, n, ...args);
    const callback = callbacks.get(+n);
    if (callback) {
      callbacks.delete(+n);
      callback(...args);
    }
  };
}

function openPicker(pickerUrl, input, onPick) {
  installShim();
  const n = --callbackNumber;
  callbacks.set(n, (value, data) => {
    input.value = value;
    onPick(value, data);
    const dialog = input.closest("dialog");
    const fill = (name, text) => {
      const field = dialog.querySelector(`input[name=${name}]`);
      if (data && field) field.value = text || "";
    };
    fill("altText", data?.alternative_text);
    fill("caption", data?.caption);
    fill("credit", data?.credit);
  });
  const sep = pickerUrl.includes("?") ? "&" : "?";
  window.open(`${pickerUrl}${sep}CKEditorFuncNum=${n}`, "_blank", "width=800,height=600");
}

function figureAtSelection({ selection }) {
  const { $from } = selection;
  for (let depth = $from.depth; depth > 0; depth--) {
    const node = $from.node(depth);
    if (node.type.name !== "figure") continue;
    const start = $from.start(depth);
    const info = { inFigure: true, figureStart: $from.before(depth) };
    node.forEach((child, offset) => {
      if (child.type.name === "image") {
        info.imageNode = child;
        info.imagePos = start + offset;
      } else if (child.type.name === "caption") {
        info.captionNode = child;
      }
    });
    return info;
  }
  const node = selection.node;
  if (node?.type.name === "image") {
    return { inFigure: false, imageNode: node, imagePos: selection.from };
  }
  return null;
}

export const FigureCredit = Extension.create({
  name: "figureCredit",
  priority: 50,

  addGlobalAttributes() {
    return [
      {
        types: ["image"],
        attributes: {
          credit: {
            default: null,
            parseHTML: (element) => element.getAttribute("data-credit"),
            renderHTML: (attributes) =>
              attributes.credit ? { "data-credit": attributes.credit } : {},
          },
        },
      },
    ];
  },

  addCommands() {
    return {
      editImage:
        () =>
        ({ editor, state, dispatch }) => {
          const info = figureAtSelection(state);
          const canInsert = info || canInsertNode(state, state.schema.nodes.figure);
          if (!dispatch) return canInsert;
          if (!canInsert) return false;

          const figure = editor.extensionManager.extensions.find((e) => e.name === "figure");
          const pickerUrl = figure?.options.pickerUrl;
          const current = info?.imageNode?.attrs || {};
          // The chosen library image and the address it came with; the reference
          // is dropped if the address is then changed by hand.
          let file = current.file || null;
          let fileSrc = (current.src || "").trim();

          const properties = {
            imageUrl: {
              type: "string",
              title: gettext("Image URL"),
              required: !info,
              picker: pickerUrl
                ? {
                    label: gettext("Browse..."),
                    handler: ({ input }) =>
                      openPicker(pickerUrl, input, (value, data) => {
                        file = data?.id != null ? String(data.id) : null;
                        fileSrc = value.trim();
                      }),
                  }
                : null,
            },
            altText: { type: "string", title: gettext("Alternative Text") },
          };
          // As in the package's dialog: a caption already written is edited in
          // place (this field would drop its formatting).
          if (!info?.captionNode) {
            properties.caption = { type: "string", title: gettext("Caption") };
          }
          properties.credit = {
            type: "string",
            title: gettext("Credit"),
            description: gettext("Leave empty for the library’s credit."),
          };

          const title = info?.inFigure
            ? gettext("Edit Figure")
            : info
              ? gettext("Edit Image")
              : gettext("Insert Figure");
          updateAttrsDialog(properties, {
            title,
            submitText: info ? gettext("Update") : gettext("Insert"),
          })(editor, {
            imageUrl: current.src || "",
            altText: current.alt || "",
            caption: "",
            credit: current.credit || "",
          }).then((attrs) => {
            if (!attrs) return;
            const src = attrs.imageUrl.trim();
            const alt = attrs.altText.trim();
            const caption = attrs.caption?.trim();
            const credit = attrs.credit.trim() || null;
            if (src !== fileSrc) file = null;

            if (!src) {
              if (!info) return;
              const at = info.inFigure ? info.figureStart : info.imagePos;
              editor.chain().setNodeSelection(at).deleteSelection().run();
              return;
            }
            if (info) {
              let chain = editor
                .chain()
                .setNodeSelection(info.imagePos)
                .updateAttributes("image", { src, alt, file, credit });
              if (caption) {
                chain = chain.command(({ tr, state: now }) => {
                  tr.insert(
                    info.imagePos + info.imageNode.nodeSize,
                    now.schema.nodes.caption.create({}, now.schema.text(caption)),
                  );
                  return true;
                });
              }
              chain.run();
              return;
            }
            const content = [{ type: "image", attrs: { src, alt, file, credit } }];
            if (caption) {
              content.push({ type: "caption", content: [{ type: "text", text: caption }] });
            }
            editor.chain().focus().insertContent({ type: "figure", content }).run();
          });
          return true;
        },
    };
  },
});
