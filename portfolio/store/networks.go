package store

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"github.com/netfolio/netfolio/portfolio"
)

// Networks lists the user's networks by name.
func (s *Store) Networks(ctx context.Context, userID int64) ([]portfolio.Network, error) {
	networks := []portfolio.Network{}
	err := s.r.WithContext(ctx).Where("user_id = ?", userID).Order("name, id").Find(&networks).Error
	return networks, err
}

// Network returns one of the user's networks.
func (s *Store) Network(ctx context.Context, userID, id int64) (portfolio.Network, error) {
	return network(s.r.WithContext(ctx), userID, id)
}

func network(db *gorm.DB, userID, id int64) (portfolio.Network, error) {
	var n portfolio.Network
	err := db.Where("user_id = ? AND id = ?", userID, id).Take(&n).Error
	return n, notFound(err)
}

// CreateNetwork validates and stores a new network for the user.
func (s *Store) CreateNetwork(ctx context.Context, userID int64, n portfolio.Network) (portfolio.Network, error) {
	n.ID, n.UserID = 0, userID
	if err := n.Validate(); err != nil {
		return n, err
	}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(&n).Error; err != nil {
			return networkWriteError(err)
		}
		return touch(tx, userID)
	})
	return n, err
}

// UpdateNetwork loads one of the user's networks, lets apply change it, validates the result
// and saves it, all in one transaction: a failed update changes nothing.
func (s *Store) UpdateNetwork(ctx context.Context, userID, id int64, apply func(*portfolio.Network) error) (portfolio.Network, error) {
	var n portfolio.Network
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var err error
		if n, err = network(tx, userID, id); err != nil {
			return err
		}
		if err := apply(&n); err != nil {
			return err
		}
		n.ID, n.UserID = id, userID
		if err := n.Validate(); err != nil {
			return err
		}
		if err := tx.Select("*").Omit("created_at").Save(&n).Error; err != nil {
			return networkWriteError(err)
		}
		return touch(tx, userID)
	})
	return n, err
}

// DeleteNetwork removes a network. One with entries is a conflict unless cascade is set, in
// which case its entries go with it.
func (s *Store) DeleteNetwork(ctx context.Context, userID, id int64, cascade bool) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		if _, err := network(tx, userID, id); err != nil {
			return err
		}
		var count int64
		if err := tx.Model(&portfolio.Entry{}).Where("user_id = ? AND network_id = ?", userID, id).Count(&count).Error; err != nil {
			return err
		}
		if count > 0 && !cascade {
			return &ConflictError{Message: fmt.Sprintf("the network has %d entries; delete them first or pass cascade=true", count)}
		}
		if err := tx.Where("user_id = ? AND network_id = ?", userID, id).Delete(&portfolio.Entry{}).Error; err != nil {
			return err
		}
		if err := tx.Where("user_id = ? AND id = ?", userID, id).Delete(&portfolio.Network{}).Error; err != nil {
			return err
		}
		return touch(tx, userID)
	})
}

func networkWriteError(err error) error {
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return &ConflictError{Message: "a network with this name exists", Field: "name"}
	}
	return err
}
