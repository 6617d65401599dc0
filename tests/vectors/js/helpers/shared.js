// A relative import of the user's own files: bundled with the ruleset.
export function othersOf(element) {
    return Array.from(element.ownerDocument.querySelectorAll('input:not([type=hidden])')).filter(e => e !== element);
}

export function byId(element, id) {
    return element.ownerDocument.getElementById(id);
}
