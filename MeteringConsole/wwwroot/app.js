// Small browser helpers called through JS interop.
window.meteringConsole = {
    copyText: async (text) => {
        try { await navigator.clipboard.writeText(text); return true; } catch { return false; }
    },
    download: (fileName, contentType, base64) => {
        const link = document.createElement('a');
        link.href = `data:${contentType};base64,${base64}`;
        link.download = fileName;
        document.body.appendChild(link);
        link.click();
        link.remove();
    },
};
