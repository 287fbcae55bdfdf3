// Drag a card onto another column: the same POST as the button of that column's state.
(function () {
    var board = document.getElementById("planning-board");
    if (!board) return;
    var dragged = null;
    board.addEventListener("dragstart", function (e) {
        dragged = e.target.closest(".planning-card");
    });
    board.querySelectorAll(".planning-column").forEach(function (column) {
        column.addEventListener("dragover", function (e) {
            if (!dragged) return;
            var moves = dragged.dataset.moves.split(" ");
            if (moves.indexOf(column.dataset.state) !== -1) {
                e.preventDefault();
                column.classList.add("drop-target");
            }
        });
        column.addEventListener("dragleave", function () { column.classList.remove("drop-target"); });
        column.addEventListener("drop", function (e) {
            e.preventDefault();
            column.classList.remove("drop-target");
            if (!dragged) return;
            var button = dragged.querySelector('button[name="state"][value="' + column.dataset.state + '"]');
            if (button) button.click();
            dragged = null;
        });
    });
})();
